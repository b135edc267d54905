# Sourced by the project's scripts: puts Node 24 LTS first on PATH, installing it from the npm registry's
# `node` package into .tools/ when the machine has another version (the machines ship Node 20).
NODE_VERSION=24.21.0
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! "$_root/.tools/node_modules/.bin/node" --version 2>/dev/null | grep -q "^v${NODE_VERSION}$"; then
  npm install --prefix "$_root/.tools" --no-audit --no-fund --loglevel=error "node@${NODE_VERSION}" >/dev/null
fi
export PATH="$_root/.tools/node_modules/.bin:$PATH"
