#!/usr/bin/env bash
# Makes sure the Debian packages the tests, demo or benchmarks need are installed.
# Usage: scripts/require-tools.sh mosquitto [mosquitto-clients ...]
# As root it installs what is missing; otherwise it prints the exact command and fails.
set -euo pipefail

missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get update && apt-get install -y ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "missing packages: ${missing[*]}" >&2
  echo "run: sudo sh -c '$cmd'" >&2
  exit 1
fi
