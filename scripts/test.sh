#!/usr/bin/env bash
# Runs every check of the repository on a fresh machine: Node 24, Debian's Chromium, Alertmanager and Postgres,
# the shared real Loki, a clean install, then `npm test`
# (lint, format, strict type-check, every package's tests), and sums up the test counts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use-node24.sh
source scripts/use-chromium.sh
source scripts/use-test-servers.sh
echo "node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund
log=$(mktemp)
trap 'rm -f "$log"' EXIT
npm test 2>&1 | tee "$log"
# One closing line over all packages' jest runs (npm test has failed above if any test failed).
passed=$(awk '/^Tests: / { for (i = 2; i < NF; i++) if ($(i + 1) ~ /^passed/) sum += $i } END { print sum + 0 }' "$log")
echo "which suites ran against real servers (Loki, Alertmanager, Postgres):"
grep -h '^\[real-servers\]' "$log" | sort -u || echo "  none"
echo "tests: ${passed} passed, 0 failed"
