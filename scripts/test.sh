#!/usr/bin/env bash
# Runs every test. Integration tests start their own mosquitto on a free loopback port,
# so mosquitto must be installed; the link lab (dev.sensorpub.linklab) needs root, ip, tc and
# iptables. This script installs what is missing when it can, or says how.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/require-tools.sh mosquitto mosquitto-clients faketime openssl iproute2 iptables shellcheck systemd
exec mvn -B -Dstyle.color=never -ntp verify "$@"
