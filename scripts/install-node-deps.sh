#!/usr/bin/env bash
# Installs the npm packages of the interop tests (tests/interop/node: Node `ws`, playwright-core),
# exactly as pinned in its package-lock.json. Idempotent: does nothing (and needs no network) when
# node_modules is already in step with the lockfile. playwright-core never downloads a browser: the
# tests drive Debian's /usr/bin/chromium.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir="$here/../tests/interop/node"
stamp="$dir/node_modules/.package-lock.json"   # npm writes it on every install

if ! command -v npm >/dev/null 2>&1; then
  # Debian's nodejs package ships no npm; NodeSource's does (and conflicts with Debian's npm).
  echo "install-node-deps: npm not found, installing Debian's nodejs and npm"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends nodejs npm
fi

if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package-lock.json" ] && [ "$stamp" -nt "$dir/package.json" ]; then
  exit 0
fi
echo "install-node-deps: npm ci in tests/interop/node"
cd "$dir"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
touch "$stamp"
