#!/usr/bin/env bash
# Runs every test. Integration tests start their own mosquitto on a free loopback port,
# so mosquitto must be installed: this script installs it when it can, or says how.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/require-tools.sh mosquitto mosquitto-clients openssl
exec mvn -B -Dstyle.color=never -ntp verify "$@"
