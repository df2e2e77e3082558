#!/usr/bin/env bash
# Runs sensorpub's benchmarks and prints Markdown tables for README.
#   scripts/bench.sh codec     JMH: encoding a QoS 1 PUBLISH, sensorpub vs Paho vs Netty vs arraycopy
#   scripts/bench.sh all       every section (default)
# Results land in bench-results/. Exits non-zero only if a run failed, never because a target
# was missed: targets are for people reading the table.
set -euo pipefail
cd "$(dirname "$0")/.."

section="${1:-all}"
out=bench-results
mkdir -p "$out"

mvn -B -q -ntp -DskipTests test-compile
mvn -B -q -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/classpath.txt" >/dev/null
cp="target/test-classes:target/classes:$(cat "$out/classpath.txt")"

machine() {
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(java -version 2>&1 | head -1)"
}

run_codec() {
  echo "## Codec: encode one QoS 1 PUBLISH (25-byte topic)"
  echo
  echo "Command: scripts/bench.sh codec (JMH, 1 fork, 3x1s warm-up, 5x1s measurement, -prof gc)"
  machine
  echo
  java -cp "$cp" org.openjdk.jmh.Main PublishEncodeBenchmark -prof gc -rf csv -rff "$out/codec.csv" \
      > "$out/codec.log"
  java -cp "$cp" dev.sensorpub.bench.JmhMarkdownTable "$out/codec.csv" sensorpub | tee "$out/codec.md"
  echo
}

case "$section" in
  codec) run_codec ;;
  all) run_codec ;;
  *) echo "unknown section '$section'; use: codec | all" >&2; exit 2 ;;
esac
