# Sourced by the test script: the real servers the tests run against where they can.
# - Loki 3.7.6 from the shared tools folder (CI and developer machines have it beside the project):
#   LOKI_BIN is set only when that folder exists; without it, Loki tests use the double and say so.
# - Debian's prometheus-alertmanager (the Loki ruler's alerts) and postgresql (the shared job store),
#   installed with apt-get when missing.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${LOKI_BIN:-}" ] && [ -x "$_root/../shared/tools/loki/bin.sh" ]; then
  LOKI_BIN="$("$_root/../shared/tools/loki/bin.sh" loki)"
  LOGCLI_BIN="$("$_root/../shared/tools/loki/bin.sh" logcli)"
  export LOKI_BIN LOGCLI_BIN
fi
_missing=""
[ -x /usr/bin/prometheus-alertmanager ] || _missing="$_missing prometheus-alertmanager"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || _missing="$_missing postgresql"
if [ -n "$_missing" ]; then
  _sudo=""
  [ "$(id -u)" -eq 0 ] || _sudo="sudo"
  echo "installing Debian's$_missing for the tests"
  $_sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $_sudo apt-get install -y -qq --no-install-recommends $_missing >/dev/null
fi
echo "real Loki for tests: ${LOKI_BIN:-none (no ../shared/tools/loki; Loki tests use the double)}"
