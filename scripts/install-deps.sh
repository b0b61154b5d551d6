#!/usr/bin/env bash
# Installs the Debian packages of a list that are missing. Idempotent: does nothing (and needs no
# network) when everything is present.
#   scripts/install-deps.sh                      scripts/packages.txt: what the project and its tests
#                                                need; any failure stops (make deps, make test)
#   scripts/install-deps.sh --optional LIST      each package of LIST on its own; one that cannot be
#                                                installed is skipped with one line (make bench)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
optional=0
list=$here/packages.txt
if [ "${1:-}" = --optional ]; then
  optional=1
  list=$2
fi
mapfile -t wanted < <(grep -v '^\s*#' "$list" | awk 'NF{print $1}')
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ $optional -eq 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi
# Optional: one at a time, so a package that conflicts with what the machine has (another Boost,
# say) or is not available costs only itself.
$sudo apt-get update -qq || true
for p in "${missing[@]}"; do
  if ! $sudo apt-get install -y -qq --no-install-recommends "$p" >/tmp/install-deps-$p.log 2>&1; then
    echo "install-deps: skipping optional package $p: $(grep -m1 -E '^E:' /tmp/install-deps-$p.log || echo 'apt-get failed')"
  fi
done
