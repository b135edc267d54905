#!/usr/bin/env bash
# Runs every check of the repository on a fresh machine: Node 24, a clean install, then `npm test`
# (lint, format, strict type-check, every package's tests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use-node24.sh
echo "node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund
npm test
