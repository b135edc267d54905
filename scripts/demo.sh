#!/usr/bin/env bash
# Runs the demo producer: realistic help-desk audit traffic sent over OTLP/HTTP.
# Arguments go to auditlens-demo, e.g. --endpoint http://localhost:4318 --rate 20 (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/use-node24.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build -w contract -w emitter -w examples/demo >/dev/null
exec node examples/demo/dist/src/cli.js "$@"
