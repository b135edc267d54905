# Sourced by the test script: the plugin's browser test drives Debian's Chromium (never a downloaded one),
# so install the `chromium` package when the machine lacks it.
if [ ! -x /usr/bin/chromium ]; then
  _sudo=""
  [ "$(id -u)" -eq 0 ] || _sudo="sudo"
  echo "installing Debian's chromium for the browser test"
  $_sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $_sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
