#!/usr/bin/env bash
# Runs sensorpub's benchmarks and prints Markdown tables for README.
#   scripts/bench.sh codec     JMH: encoding a QoS 1 PUBLISH, sensorpub vs Paho vs Netty vs arraycopy
#   scripts/bench.sh queue     JMH: queue append+next+confirm per backend, bytes written per message
#   scripts/bench.sh e2e       end to end against a local mosquitto: sensorpub bench vs Paho Java 1.2.5
#                              vs mosquitto_pub -l (throughput, bytes allocated, peak RSS, -Xmx16m,
#                              10M messages under Epsilon GC, start-up with and without AppCDS)
#   scripts/bench.sh backlog   the offline queue's drain of a 100,000-message QoS 1 backlog vs live
#   scripts/bench.sh fuzz      the decoder fuzz test's long mode (FUZZ_INPUTS per kind, default 3,000,000)
#   scripts/bench.sh crash     the file queue's power-cut test's long mode (POWER_CUTS, default 500,000)
#   scripts/bench.sh cpu       CPU (user, system) and system calls per message, sensorpub vs Paho vs libmosquitto
#                              (C), then the idle agent's CPU and wakeups (CPU_COUNT, CPU_REPEAT, IDLE_SECONDS)
#   scripts/bench.sh links     delivery on kernel-shaped thin links (issue 11's matrix, 72 runs, root,
#                              about 30 min): lost, connects, duplicates, order, backlog drain
#   scripts/bench.sh all       every section (default; without fuzz, crash, cpu and links)
# Results land in bench-results/. Exits non-zero only if a run failed, never because a target was
# missed: targets are for people reading the table.
# E2E_COUNT (default 200000), EPSILON_COUNT (default 10000000) and E2E_REPEAT (default 3) shorten
# the e2e runs for a quick check. LINKS_PARALLEL (default 6) is how many link-lab runs go at once;
# LINKS_ARGS passes options to dev.sensorpub.linklab.LinkMatrix (e.g. "--rates 16 --qos 1").
set -euo pipefail
cd "$(dirname "$0")/.."

section="${1:-all}"
out=bench-results
mkdir -p "$out"
failures=0

case "$section" in
  codec|queue|backlog|e2e|fuzz|crash|cpu|links|all) ;;
  *) echo "unknown section '$section'; use: codec | queue | backlog | e2e | fuzz | crash | cpu | links | all" >&2; exit 2 ;;
esac

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

run_queue() {
  if [ ! -f target/test-classes/dev/sensorpub/bench/QueueBenchmark.class ]; then
    echo "## Queue: skipped, dev.sensorpub.bench.QueueBenchmark is not in this build" | tee "$out/queue.md"
    echo
    return 0
  fi
  {
    echo "## Queue: append + next + confirm, 25-byte topic, 32-byte payload"
    echo
    echo "Command: scripts/bench.sh queue (JMH QueueBenchmark, -prof gc; QueueWriteVolume)"
    machine
    echo
  } | tee "$out/queue.md"
  java -cp "$cp" org.openjdk.jmh.Main QueueBenchmark -prof gc -rf csv -rff "$out/queue.csv" > "$out/queue.log"
  java -cp "$cp" dev.sensorpub.bench.JmhMarkdownTable "$out/queue.csv" appendNextConfirm | tee -a "$out/queue.md"
  if [ -f target/test-classes/dev/sensorpub/bench/QueueWriteVolume.class ]; then
    { echo; echo '```'; java -cp "$cp" dev.sensorpub.bench.QueueWriteVolume; echo '```'; } | tee -a "$out/queue.md"
  fi
  echo
}

# ---------------------------------------------------------------------------------------------
# e2e: every client publishes to the same local mosquitto; an independent mosquitto_sub counts
# what arrived. Each run uses its own topic of the same 25 bytes so counts never mix.

E2E_COUNT="${E2E_COUNT:-200000}"
EPSILON_COUNT="${EPSILON_COUNT:-10000000}"
E2E_REPEAT="${E2E_REPEAT:-3}"
PAYLOAD=0123456789abcdefghijklmnopqrstuv # 32 bytes, the same as PahoPublishBench sends
JAR=target/sensorpub.jar
SUB_GRACE_S=30        # after a client finished, how long the subscriber may take to count the rest
CLIENT_TIMEOUT_S=900  # a client run that takes longer is killed and recorded as failed
work=""
broker_pid=""
port=""
run_no=0
runs=""

stop_e2e() {
  if [ -n "$work" ] && [ -f "$work/sub.pid" ]; then kill "$(cat "$work/sub.pid")" 2>/dev/null || true; fi
  if [ -n "$broker_pid" ]; then kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
  broker_pid=""
  if [ -n "$work" ]; then rm -rf "$work"; fi
  work=""
}

accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_broker() {
  work=$(mktemp -d /tmp/sensorpub-bench.XXXXXX)
  trap stop_e2e EXIT
  trap 'stop_e2e; exit 130' INT TERM
  for _ in 1 2 3 4 5; do
    port=$(( 30000 + RANDOM % 30000 ))
    accepts "$port" && continue
    # max_queued_messages 0: no per-client limit, so a slow subscriber never makes mosquitto drop.
    cat > "$work/mosquitto.conf" <<EOF
user $(id -un)
per_listener_settings false
listener $port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
log_dest stderr
log_type error
log_type warning
log_type notice
log_type subscribe
EOF
    /usr/sbin/mosquitto -c "$work/mosquitto.conf" 2>>"$work/mosquitto.log" &
    broker_pid=$!
    for _ in $(seq 100); do
      accepts "$port" && return 0
      kill -0 "$broker_pid" 2>/dev/null || break
      sleep 0.05
    done
    kill "$broker_pid" 2>/dev/null || true
    broker_pid=""
  done
  echo "mosquitto did not start; log:" >&2
  cat "$work/mosquitto.log" >&2
  return 1
}

now_ns() { date +%s%N; }

# start_subscriber TOPIC COUNT: mosquitto_sub prints one line (the topic) per message and exits
# after COUNT; returns once mosquitto has logged the subscription.
start_subscriber() {
  local topic=$1 count=$2 id="bench-sub-$run_no"
  rm -f "$work/sub.pid" "$work/sub.end"
  ( mosquitto_sub -h 127.0.0.1 -p "$port" -i "$id" -t "$topic" -q 0 -C "$count" -W "$CLIENT_TIMEOUT_S" -F '%t' \
        > "$work/sub-$run_no.txt" 2>&1 &
    echo $! > "$work/sub.pid"
    wait $!
    now_ns > "$work/sub.end" ) &
  for _ in $(seq 200); do
    grep -q "^[0-9]*: $id 0 $topic\$" "$work/mosquitto.log" && return 0
    sleep 0.05
  done
  return 1
}

# finish_subscriber TOPIC GRACE_S: waits up to GRACE_S for the count, then prints how many arrived.
finish_subscriber() {
  local topic=$1 grace=$2
  for _ in $(seq $((grace * 20))); do
    [ -f "$work/sub.end" ] && break
    sleep 0.05
  done
  kill "$(cat "$work/sub.pid")" 2>/dev/null || true
  for _ in $(seq 40); do [ -f "$work/sub.end" ] && break; sleep 0.05; done
  rm -f "$work/sub.pid"
  grep -cxF "$topic" "$work/sub-$run_no.txt" || true
}

# record LABEL KEY=VALUE...: appends one run to the table's input.
record() {
  local label=$1; shift
  printf '%s\t%s\n' "$label" "$*" >> "$runs"
  case "$*" in *status=failed*) failures=$((failures + 1)); echo "  $label: FAILED: ${*##*note=}" ;;
                *) echo "  $label: done" ;; esac
}

# measure_client LABEL EXPECTED STDIN COMMAND...: runs the client under /usr/bin/time (peak RSS)
# while a subscriber counts EXPECTED messages (0: no subscriber). "@TOPIC@" in COMMAND becomes
# this run's topic. Sets: rc, seconds (wall), rss_kb, delivered, sub_seconds, output.
measure_client() {
  local label=$1 expected=$2 input=$3; shift 3
  run_no=$((run_no + 1))
  local topic
  topic=$(printf 'sensorpub/bench/topic/%03d' "$run_no")
  local args=()
  for a in "$@"; do args+=("${a//@TOPIC@/$topic}"); done
  delivered="-"; sub_seconds=""; rc=0
  if [ "$expected" -gt 0 ] && ! start_subscriber "$topic" "$expected"; then
    rc=99; output="mosquitto_sub did not subscribe within 10 s"; seconds=0; rss_kb=0
    kill "$(cat "$work/sub.pid" 2>/dev/null)" 2>/dev/null || true
    return 0
  fi
  local start end
  start=$(now_ns)
  timeout "$CLIENT_TIMEOUT_S" /usr/bin/time -f %M -o "$work/rss-$run_no" "${args[@]}" \
      < "$input" > "$work/out-$run_no" 2>&1 || rc=$?
  end=$(now_ns)
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  rss_kb=$(grep -E '^[0-9]+$' "$work/rss-$run_no" 2>/dev/null | tail -1 || true)
  rss_kb=${rss_kb:-0}
  output=$(cat "$work/out-$run_no")
  if [ "$expected" -gt 0 ]; then
    delivered=$(finish_subscriber "$topic" "$([ "$rc" -eq 0 ] && echo "$SUB_GRACE_S" || echo 0)")
    if [ -f "$work/sub.end" ]; then
      sub_seconds=$(awk -v a="$start" -v b="$(cat "$work/sub.end")" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    fi
  fi
  cp "$work/out-$run_no" "$out/e2e-run-$run_no.log"
}

# java_run LABEL EXPECTED_ON_TOPIC COMMAND...: a client that prints a RESULT line.
java_run() {
  local label=$1 expected=$2; shift 2
  measure_client "$label" "$expected" /dev/null "$@"
  local result
  result=$(grep -m1 '^RESULT ' <<<"$output" || true)
  if [ "$rc" -ne 0 ] || [ -z "$result" ]; then
    record "$label" "status=failed note=exit $rc: $(tail -1 <<<"$output" | tr -d '\t')"
  elif [ "$expected" -gt 0 ] && [ "$delivered" != "$expected" ]; then
    record "$label" "${result#RESULT } rss_kb=$rss_kb delivered=$delivered status=failed" \
        "note=subscriber counted $delivered of $expected"
  elif [ "$expected" -eq 0 ]; then
    local proof="every PUBACK arrived"
    case "$result" in *" qos=0 "*) proof="the broker answered after the last PUBLISH" ;; esac
    record "$label" "${result#RESULT } rss_kb=$rss_kb status=ok note=no subscriber; $proof"
  else
    record "$label" "${result#RESULT } rss_kb=$rss_kb delivered=$delivered status=ok"
  fi
}

# mosquitto_pub_run QOS EXPECTED: libmosquitto publishing one message per line of the same payload.
# Its completion is the moment the subscriber has counted every message. At QoS 0 its own exit
# only proves that its socket buffer took the bytes (the broker may still be reading them), while
# sensorpub's QoS 0 run ends on a PINGRESP that proves the broker read them all; the process time
# is kept in the note. At QoS 1, mosquitto_pub 2.0.11 disconnects at the end of its input before
# its queued messages are out (measured: 3,397 of 200,000 arrived), so its input stays open until
# the subscriber has counted every message. With EXPECTED 0 (QoS 0 only) no subscriber runs and
# the process time is all there is.
mosquitto_pub_run() {
  local qos=$1 expected=$2 label="mosquitto_pub -l, QoS $1"
  local pub=(mosquitto_pub -h 127.0.0.1 -p "$port" -t @TOPIC@ -q "$qos" -l)
  if [ "$qos" = 0 ]; then
    measure_client "$label" "$expected" "$work/lines.txt" "${pub[@]}"
    process_seconds=$seconds
    if [ "$expected" -gt 0 ]; then seconds=${sub_seconds:-$seconds}; fi
  else
    measure_client "$label" "$E2E_COUNT" /dev/null sh -c \
        'lines=$1 done=$2; shift 2; { cat "$lines"; while [ ! -f "$done" ]; do sleep 0.01; done; } | "$@"' \
        sh "$work/lines.txt" "$work/sub.end" "${pub[@]}"
    seconds=${sub_seconds:-$seconds}
  fi
  local rate
  rate=$(awk -v n="$E2E_COUNT" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
  local kv="client=mosquitto_pub qos=$qos count=$E2E_COUNT size=${#PAYLOAD} window=$([ "$qos" = 0 ] && echo - || echo 20)"
  kv="$kv seconds=$seconds msgs_per_sec=$rate rss_kb=$rss_kb delivered=$delivered"
  if [ "$rc" -ne 0 ]; then
    record "$label" "status=failed note=exit $rc: $(tail -1 <<<"$output" | tr -d '\t')"
  elif [ "$expected" = 0 ]; then
    record "$label" "$kv status=ok note=process time (written), no subscriber"
  elif [ "$delivered" != "$E2E_COUNT" ]; then
    record "$label" "$kv status=failed note=subscriber counted $delivered of $E2E_COUNT"
  elif [ "$qos" = 0 ]; then
    record "$label" "$kv status=ok note=until the subscriber had all; its process exited after $process_seconds s"
  else
    record "$label" "$kv status=ok note=until the subscriber had all"
  fi
}

# sensorpub_cmd JVM_FLAGS... / paho_cmd: set cmd to the client's command line up to the per-run options.
sensorpub_cmd() { cmd=(java "$@" -jar "$JAR" bench --server "tcp://127.0.0.1:$port" --topic @TOPIC@ --size "${#PAYLOAD}"); }
paho_cmd() {
  cmd=(java -cp "$cp" dev.sensorpub.bench.PahoPublishBench --server "tcp://127.0.0.1:$port" --topic @TOPIC@
       --size "${#PAYLOAD}" --warmup "$PAHO_WARMUP")
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# startup_run LABEL JVM_FLAGS...: five whole `java -jar ... bench --count 1 --qos 1` processes.
startup_run() {
  local label=$1; shift
  local times=() t0 t1 i rc_s=0 last=""
  for i in 1 2 3 4 5; do
    t0=$(now_ns)
    last=$(java "$@" -jar "$JAR" bench --server "tcp://127.0.0.1:$port" --qos 1 --count 1 --size "${#PAYLOAD}" 2>&1) \
        || rc_s=$?
    t1=$(now_ns)
    [ "$rc_s" -ne 0 ] && break
    times+=($(( (t1 - t0) / 1000000 )))
  done
  if [ "$rc_s" -ne 0 ]; then
    record "$label" "kind=startup client=sensorpub status=failed note=exit $rc_s: $(tail -1 <<<"$last" | tr -d '\t')"
  else
    record "$label" "kind=startup client=sensorpub wall_ms=$(printf '%s\n' "${times[@]}" | median) runs=5 status=ok"
  fi
}

# One round of the table's rows; the JVMs run with default flags unless the label says otherwise.
with_subscriber_rows() {
  local n=$1 total=$2 cmd=()
  mosquitto_pub_run 0 "$n"
  mosquitto_pub_run 1 "$n"
  sensorpub_cmd
  java_run "sensorpub QoS 0" "$total" "${cmd[@]}" --qos 0 --count "$n"
  java_run "sensorpub QoS 1, window 32" "$total" "${cmd[@]}" --qos 1 --count "$n" --window 32
  java_run "sensorpub QoS 1, window 256" "$total" "${cmd[@]}" --qos 1 --count "$n" --window 256
  sensorpub_cmd -Xmx16m
  java_run "sensorpub QoS 0, -Xmx16m" "$total" "${cmd[@]}" --qos 0 --count "$n"
  java_run "sensorpub QoS 1, window 32, -Xmx16m" "$total" "${cmd[@]}" --qos 1 --count "$n" --window 32
  sensorpub_cmd -Xmx16m -Xmn2m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss256k
  java_run "sensorpub QoS 1, window 32, -Xmx16m -Xmn2m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss256k" "$total" \
      "${cmd[@]}" --qos 1 --count "$n" --window 32
  paho_cmd
  java_run "Paho QoS 0, in-flight 10" "$total" "${cmd[@]}" --qos 0 --count "$n" --window 10
  java_run "Paho QoS 0, in-flight 256" "$total" "${cmd[@]}" --qos 0 --count "$n" --window 256
  java_run "Paho QoS 1, in-flight 10" "$total" "${cmd[@]}" --qos 1 --count "$n" --window 10
  java_run "Paho QoS 1, in-flight 256" "$total" "${cmd[@]}" --qos 1 --count "$n" --window 256
}

# QoS 1 completes on the last PUBACK, QoS 0 on the broker's answer after the last PUBLISH
# (mosquitto_pub: its exit). mosquitto_pub QoS 1 cannot run here: without a subscriber nothing
# shows when it is done.
broker_only_rows() {
  local n=$1 cmd=()
  mosquitto_pub_run 0 0
  sensorpub_cmd
  java_run "sensorpub QoS 0" 0 "${cmd[@]}" --qos 0 --count "$n"
  java_run "sensorpub QoS 1, window 32" 0 "${cmd[@]}" --qos 1 --count "$n" --window 32
  java_run "sensorpub QoS 1, window 256" 0 "${cmd[@]}" --qos 1 --count "$n" --window 256
  paho_cmd
  java_run "Paho QoS 0, in-flight 10" 0 "${cmd[@]}" --qos 0 --count "$n" --window 10
  java_run "Paho QoS 0, in-flight 256" 0 "${cmd[@]}" --qos 0 --count "$n" --window 256
  java_run "Paho QoS 1, in-flight 10" 0 "${cmd[@]}" --qos 1 --count "$n" --window 10
  java_run "Paho QoS 1, in-flight 256" 0 "${cmd[@]}" --qos 1 --count "$n" --window 256
}

run_e2e() {
  scripts/require-tools.sh mosquitto mosquitto-clients time
  local n="$E2E_COUNT"
  # Both JVM clients warm up on the same connection and topic first: sensorpub bench sends a tenth
  # of the count (at most 20,000) before its measured run; Paho is told to do the same.
  PAHO_WARMUP=$(( n / 10 < 1 ? 1 : n / 10 > 20000 ? 20000 : n / 10 ))
  local total=$(( n + PAHO_WARMUP ))
  : > "$out/e2e-runs.tsv"
  rm -f "$out"/e2e-run-*.log
  mvn -B -q -ntp -DskipTests package || return 1
  start_broker || return 1
  yes "$PAYLOAD" | head -n "$n" > "$work/lines.txt"
  echo "e2e: mosquitto $(/usr/sbin/mosquitto -h 2>/dev/null | head -1 | awk '{print $3}') on 127.0.0.1:$port," \
       "$n messages of ${#PAYLOAD} bytes per run"

  # The machine may be busy with other work: every row runs E2E_REPEAT times, round-robin so that
  # a busy spell hits all clients alike, and the table shows the median and the range.
  local i
  runs="$out/e2e-runs.tsv"
  for i in $(seq "$E2E_REPEAT"); do with_subscriber_rows "$n" "$total"; done
  # The same clients with no subscriber: what each client and the broker's intake can do alone.
  runs="$out/e2e-broker-only-runs.tsv"
  : > "$runs"
  for i in $(seq "$E2E_REPEAT"); do broker_only_rows "$n"; done

  local cmd=()
  sensorpub_cmd -XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -Xmx64m
  java_run "sensorpub QoS 1, window 32, $EPSILON_COUNT msgs, Epsilon GC -Xmx64m" 0 \
      "${cmd[@]}" --qos 1 --count "$EPSILON_COUNT" --window 32

  # Start-up: the JDK's default CDS archive only, then an AppCDS archive made by one training run.
  startup_run "without AppCDS (JDK default CDS)"
  local jsa="$work/sensorpub.jsa"
  java -XX:ArchiveClassesAtExit="$jsa" -jar "$JAR" bench --server "tcp://127.0.0.1:$port" --qos 1 --count 1 \
      --size "${#PAYLOAD}" > "$out/e2e-appcds-training.log" 2>&1 || true
  if [ -f "$jsa" ]; then
    local shared
    shared=$(java -XX:SharedArchiveFile="$jsa" -Xlog:class+load=info -jar "$JAR" bench \
        --server "tcp://127.0.0.1:$port" --qos 1 --count 1 --size "${#PAYLOAD}" 2>/dev/null \
        | grep -c 'source: shared objects file (top)' || true)
    startup_run "with AppCDS ($shared classes from the app archive)" -XX:SharedArchiveFile="$jsa"
  else
    record "with AppCDS" "kind=startup client=sensorpub status=failed note=no archive; see e2e-appcds-training.log"
  fi
  local floor_kb
  floor_kb=$(/usr/bin/time -f %M java -Xmx16m -jar "$JAR" --version 2>&1 >/dev/null | tail -1)
  stop_e2e

  {
    echo "## End to end: $n messages, ${#PAYLOAD}-byte payload, 25-byte topic, local mosquitto"
    echo
    echo "Command: scripts/bench.sh e2e. Each run publishes to its own topic on one mosquitto" \
         "$(/usr/sbin/mosquitto -h 2>/dev/null | head -1 | awk '{print $3}') (127.0.0.1);" \
         "a mosquitto_sub (QoS 0) counts what arrived. Each row ran $E2E_REPEAT times, round-robin;" \
         "it shows the median run by msgs/s, the range, and the highest peak RSS."
    echo "Completion: Java clients time their measured run (after a $PAHO_WARMUP-message warm-up on the" \
         "same connection) up to the last PUBACK (QoS 1) or, at QoS 0, up to the broker's answer to a" \
         "packet sent after the last PUBLISH, which proves the broker read them all (sensorpub: a" \
         "PINGRESP; Paho: the PUBACK of one QoS 1 marker on a sibling topic). mosquitto_pub: until the" \
         "subscriber had every message; without a subscriber, its process time (bytes written only)."
    echo "Ratios: msgs/s over mosquitto_pub and over the fastest Paho run at the same QoS, this run." \
         "Bytes allocated: all threads of the JVM during the measured run (loop: the publishing" \
         "thread only). Peak RSS: /usr/bin/time %M of the client process (mosquitto_pub QoS 1 reads" \
         "its whole input into memory ahead of sending)."
    machine
    echo
    java -cp "$cp" dev.sensorpub.bench.EndToEndTable "$out/e2e-runs.tsv"
    echo
    echo "JVM floor for comparison: \`java -Xmx16m -jar sensorpub.jar --version\` peaks at" \
         "$(awk -v k="$floor_kb" 'BEGIN { printf "%.1f", k / 1024 }') MB RSS."
    echo
    echo "### Broker only: the same clients with no subscriber"
    echo
    java -cp "$cp" dev.sensorpub.bench.EndToEndTable "$out/e2e-broker-only-runs.tsv"
  } | tee "$out/e2e.md"
  echo
}

# The offline queue's drain: BACKLOG_COUNT QoS 1 messages queued while there is no link, timed from
# CONNACK until the broker acknowledged the last one, next to the live QoS 1 rate measured by the
# same process just before (sensorpub bench --backlog).
run_backlog() {
  scripts/require-tools.sh mosquitto
  local n="${BACKLOG_COUNT:-100000}"
  mvn -B -q -ntp -DskipTests package || return 1
  start_broker || return 1
  local lines
  lines=$(java -jar "$JAR" bench --server "tcp://127.0.0.1:$port" --qos 1 --count "$n" --window 32 \
      --size "${#PAYLOAD}" --topic sensorpub/bench/backlog01 --backlog "$n" 2> "$out/backlog.log") || {
    stop_e2e
    return 1
  }
  stop_e2e
  local live drained
  live=$(echo "$lines" | grep -v 'mode=backlog' | grep -o 'msgs_per_sec=[0-9]*' | cut -d= -f2)
  drained=$(echo "$lines" | grep 'mode=backlog' | grep -o 'msgs_per_sec=[0-9]*' | cut -d= -f2)
  {
    echo "## Offline queue: draining a $n-message backlog, QoS 1, window 32, broker only"
    echo
    echo "Command: scripts/bench.sh backlog (sensorpub bench --backlog $n: one process, live run first)"
    machine
    echo
    echo "| run | msgs/s | vs live |"
    echo "|---|---|---|"
    echo "| live QoS 1 ($n messages handed in while connected) | $live | 1.00x |"
    echo "| backlog drain ($n messages queued offline, timed from CONNACK) | $drained |" \
         "$(awk -v a="$drained" -v b="$live" 'BEGIN { printf "%.2fx", a / b }') |"
  } | tee "$out/backlog.md"
  echo
}

# The file queue's power-cut test with many more simulated power cuts than the suite's 12,000.
run_crash() {
  local n="${POWER_CUTS:-500000}"
  echo "## File queue: $n simulated power cuts"
  mvn -B -q -ntp test -Dtest=FileQueuePowerCutTest -Dsurefire.failIfNoSpecifiedTests=false -Dsensorpub.powercuts="$n" \
      > "$out/crash.log" 2>&1 || { echo "power-cut test FAILED: see $out/crash.log"; return 1; }
  grep -h "power cuts simulated" "$out/crash.log" | tee "$out/crash.md"
}

# The decoder's fuzz test with many more inputs than the test suite's 100,000 per kind.
run_fuzz() {
  local n="${FUZZ_INPUTS:-3000000}"
  echo "## Decoder fuzzing: $n valid, $n mutated and $n random inputs, random splits"
  mvn -B -q -ntp test -Dtest=PacketDecoderFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.inputs="$n" \
      > "$out/fuzz.log" 2>&1 || { echo "fuzzing FAILED: see $out/fuzz.log"; return 1; }
  grep -h "Tests run" target/surefire-reports/dev.sensorpub.codec.PacketDecoderFuzzTest.txt | tee "$out/fuzz.md"
  echo
}

# ---------------------------------------------------------------------------------------------
# cpu: what a message costs the client process in CPU and in system calls, sensorpub vs Paho vs a
# small C program on libmosquitto (scripts/bench/mosq_pub_bench.c), all against one local
# mosquitto with no subscriber, each ending on the broker's answer after the last message (QoS 1:
# the last PUBACK; QoS 0: sensorpub's PINGRESP, the others' PUBACK of one QoS 1 marker). CPU comes
# from the process's own accounting (getrusage through /usr/bin/time) over the whole process,
# start-up and warm-up included, divided by every message it published; system calls come from a
# separate run under `perf stat` (strace -f -c if perf cannot count), since tracing changes timing.
# Then idle: the agent with three simulated sensors at 1 reading/s, its CPU and wakeups.
# CPU_COUNT (default 1000000), CPU_REPEAT (default 3), IDLE_SECONDS (default 600; 0 skips it).

CPU_COUNT="${CPU_COUNT:-1000000}"
CPU_REPEAT="${CPU_REPEAT:-3}"
IDLE_SECONDS="${IDLE_SECONDS:-600}"
IDLE_WARMUP_SECONDS="${IDLE_WARMUP_SECONDS:-30}"
# The idle agents: the GC of scripts/sensorpub.service, and the same without the JVM's
# performance-data sampler (hsperfdata, read by jstat), which wakes a thread every 50 ms.
IDLE_VARIANTS=("-XX:+UseSerialGC" "-XX:+UseSerialGC -XX:-UsePerfData")
CPU_WINDOW=32
CPU_SYSCALLS="read write epoll_wait futex pselect6 poll recvfrom sendto"
MOSQ_BENCH="$out/mosq_pub_bench"

# cpu_cmd CLIENT QOS N WARMUP TOPIC: sets cmd to the client's command line.
cpu_cmd() {
  local client=$1 qos=$2 n=$3 warmup=$4 topic=$5
  case "$client" in
    sensorpub) cmd=(java -jar "$JAR" bench --server "tcp://127.0.0.1:$port" --topic "$topic" --size "${#PAYLOAD}"
                    --qos "$qos" --count "$n" --window "$CPU_WINDOW") ;;
    paho) cmd=(java -cp "$cp" dev.sensorpub.bench.PahoPublishBench --server "tcp://127.0.0.1:$port" --topic "$topic"
               --size "${#PAYLOAD}" --qos "$qos" --count "$n" --window "$CPU_WINDOW" --warmup "$warmup") ;;
    libmosquitto) cmd=("$MOSQ_BENCH" -h 127.0.0.1 -p "$port" -t "$topic" -q "$qos" -n "$n" -s "${#PAYLOAD}"
                       -w "$CPU_WINDOW" -W "$warmup") ;;
  esac
}

cpu_topic() { printf 'sensorpub/bench/topic/%03d' $((run_no % 1000)); }

# cpu_run CLIENT QOS N WARMUP: one whole process under /usr/bin/time; appends to cpu-runs.tsv:
# client qos user_s sys_s wall_s msgs_per_sec messages_published.
cpu_run() {
  local client=$1 qos=$2 n=$3 warmup=$4 cmd=() rc=0
  run_no=$((run_no + 1))
  cpu_cmd "$client" "$qos" "$n" "$warmup" "$(cpu_topic)"
  timeout "$CLIENT_TIMEOUT_S" /usr/bin/time -f 'TIME %U %S %e' -o "$work/time-$run_no" "${cmd[@]}" \
      > "$work/out-$run_no" 2>&1 || rc=$?
  cp "$work/out-$run_no" "$out/cpu-run-$run_no.log"
  local result times
  result=$(grep -m1 '^RESULT ' "$work/out-$run_no" || true)
  times=$(grep -m1 '^TIME ' "$work/time-$run_no" || true)
  if [ "$rc" -ne 0 ] || [ -z "$result" ] || [ -z "$times" ]; then
    echo "  $client QoS $qos: FAILED (exit $rc): $(tail -1 "$work/out-$run_no")"
    failures=$((failures + 1))
    return 0
  fi
  local rate user sys wall
  rate=$(grep -o 'msgs_per_sec=[0-9]*' <<<"$result" | cut -d= -f2)
  read -r _ user sys wall <<<"$times"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$client" "$qos" "$user" "$sys" "$wall" "$rate" $((n + warmup)) \
      >> "$out/cpu-runs.tsv"
  echo "  $client QoS $qos: user ${user}s sys ${sys}s wall ${wall}s"
}

# syscall_run CLIENT QOS N WARMUP: the same process under perf stat (or strace -c); appends to
# cpu-syscalls.tsv: client qos messages_published total, then one count per CPU_SYSCALLS name.
syscall_run() {
  local client=$1 qos=$2 n=$3 warmup=$4 cmd=() counts=() name total="" rc=0
  run_no=$((run_no + 1))
  cpu_cmd "$client" "$qos" "$n" "$warmup" "$(cpu_topic)"
  local trace="$work/trace-$run_no"
  if [ "$syscall_tool" = perf ]; then
    local events=raw_syscalls:sys_enter
    for name in $CPU_SYSCALLS; do events="$events,syscalls:sys_enter_$name"; done
    timeout "$CLIENT_TIMEOUT_S" perf stat -x, -o "$trace" -e "$events" -- "${cmd[@]}" \
        > "$work/out-$run_no" 2>&1 || rc=$?
    total=$(awk -F, '$3 == "raw_syscalls:sys_enter" { print $1 }' "$trace")
    for name in $CPU_SYSCALLS; do
      counts+=("$(awk -F, -v e="syscalls:sys_enter_$name" '$3 == e { print $1 }' "$trace")")
    done
  else
    # strace -c: "% time, seconds, usecs/call, calls, [errors,] syscall"; calls is the 4th column.
    timeout "$CLIENT_TIMEOUT_S" strace -f -c -q -o "$trace" "${cmd[@]}" > "$work/out-$run_no" 2>&1 || rc=$?
    total=$(awk '$NF == "total" { print $4 }' "$trace")
    for name in $CPU_SYSCALLS; do
      counts+=("$(awk -v s="$name" '$NF == s { print $4 }' "$trace")")
    done
  fi
  cp "$trace" "$out/cpu-syscalls-$client-qos$qos.txt" 2>/dev/null || true
  if [ "$rc" -ne 0 ] || ! grep -q '^RESULT ' "$work/out-$run_no" || [ -z "$total" ]; then
    echo "  $client QoS $qos under $syscall_tool: FAILED (exit $rc): $(tail -1 "$work/out-$run_no")"
    failures=$((failures + 1))
    return 0
  fi
  local line
  line=$(printf '%s\t%s\t%s\t%s' "$client" "$qos" $((n + warmup)) "$total")
  for name in "${counts[@]}"; do line=$(printf '%s\t%s' "$line" "${name:-0}"); done
  echo "$line" >> "$out/cpu-syscalls.tsv"
  echo "  $client QoS $qos: $total system calls"
}

# The table: per client and QoS the median run by total CPU, the range, and the system calls.
cpu_table() {
  echo "| client | QoS | CPU µs/msg: user + system = total (median run) | total: min - max (runs) | vs C | system calls/msg | of which read / write / wait / futex | msgs/s (median run) |"
  echo "|---|---|---|---|---|---|---|---|"
  local client qos c_total runs mid sys_cols
  for qos in 0 1; do
    c_total=$(awk -F'\t' -v q="$qos" '$1 == "libmosquitto" && $2 == q { print ($3 + $4) * 1e6 / $7 }' \
        "$out/cpu-runs.tsv" | median)
    for client in sensorpub paho libmosquitto; do
      awk -F'\t' -v c="$client" -v q="$qos" '$1 == c && $2 == q {
            printf "%.4f\t%.4f\t%.4f\t%s\n", ($3 + $4) * 1e6 / $7, $3 * 1e6 / $7, $4 * 1e6 / $7, $6 }' \
          "$out/cpu-runs.tsv" | sort -n > "$work/rows"
      [ -s "$work/rows" ] || continue
      runs=$(wc -l < "$work/rows")
      mid=$(sed -n "$(( (runs + 1) / 2 ))p" "$work/rows")
      # wait: epoll_wait (Java NIO), pselect6 (libmosquitto), poll (Java blocking sockets).
      sys_cols=$(awk -F'\t' -v c="$client" -v q="$qos" -v names="$CPU_SYSCALLS" '
          $1 == c && $2 == q {
            n = split(names, name, " "); for (i = 1; i <= n; i++) k[name[i]] = $(4 + i)
            w = k["epoll_wait"] + k["pselect6"] + k["poll"]
            r = k["read"] + k["recvfrom"]
            wr = k["write"] + k["sendto"]
            printf "%.3f | %.3f / %.3f / %.3f / %.3f", $4 / $3, r / $3, wr / $3, w / $3, k["futex"] / $3
          }' "$out/cpu-syscalls.tsv")
      awk -v c="$client" -v q="$qos" -v mid="$mid" -v lo="$(head -1 "$work/rows" | cut -f1)" \
          -v hi="$(tail -1 "$work/rows" | cut -f1)" -v runs="$runs" -v ct="${c_total:-0}" \
          -v sc="${sys_cols:-- | -}" 'BEGIN {
            split(mid, m, "\t")
            label = c == "paho" ? "Paho" : c == "libmosquitto" ? "libmosquitto (C)" : c
            printf "| %s | %s | %.2f + %.2f = %.2f | %.2f - %.2f (%d) | %s | %s | %d |\n", label, q, m[2], m[3], m[1],
                lo, hi, runs, (ct > 0 ? sprintf("%.2fx", m[1] / ct) : "-"), sc, m[4]
          }'
    done
  done
}

# Idle: the agent with three simulated sensors at 1 reading/s against the local mosquitto. After
# IDLE_WARMUP_SECONDS (start-up and JIT), CPU from /proc/<pid>/stat (utime + stime) and the
# context switches of every thread (/proc/<pid>/task/*/status) over IDLE_SECONDS; a subscriber
# counts the readings that arrived meanwhile.
proc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# thread_switches PID: one line per thread name: name, context switches (voluntary + involuntary).
thread_switches() {
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(tr ' \t' '__' < "$t/comm" 2>/dev/null)" \
        "$(awk '/^(non)?voluntary_ctxt_switches/ { s += $2 } END { print s + 0 }' "$t/status" 2>/dev/null)"
  done | awk -F'\t' '{ s[$1] += $2 } END { for (n in s) printf "%s\t%d\n", n, s[n] }' | sort
}

# run_idle: prints the idle table's rows, then the wakeups by thread. Each IDLE_VARIANTS entry
# is one agent (its JVM flags); they run side by side, each with its own client id and topics.
run_idle() {
  local secs=$IDLE_SECONDS i n=${#IDLE_VARIANTS[@]} pids=() hz sub
  hz=$(getconf CLK_TCK)
  for i in $(seq 0 $((n - 1))); do
    printf '%s\n' "board = simulator" "mqtt.server = tcp://127.0.0.1:$port" "mqtt.client-id = idle-bench-$i" \
        'sensor.count.type = sim-counter' "sensor.count.topic = idle/$i/\${sensor}" 'sensor.count.qos = 1' \
        'sensor.count.interval = 1s' 'sensor.wave.type = sim-sine' "sensor.wave.topic = idle/$i/\${sensor}" \
        'sensor.wave.interval = 1s' 'sensor.walk.type = sim-random-walk' "sensor.walk.topic = idle/$i/\${sensor}" \
        'sensor.walk.interval = 1s' > "$work/idle-$i.properties"
    # shellcheck disable=SC2086 # the flags are words
    java ${IDLE_VARIANTS[$i]} -jar "$JAR" "$work/idle-$i.properties" > "$out/idle-agent-$i.log" 2>&1 &
    pids+=($!)
  done
  sleep "$IDLE_WARMUP_SECONDS"
  for i in $(seq 0 $((n - 1))); do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "idle: an agent exited; see $out/idle-agent-$i.log" >&2
      kill "${pids[@]}" 2>/dev/null || true
      return 1
    fi
  done
  mosquitto_sub -h 127.0.0.1 -p "$port" -t 'idle/#' -q 1 -F '%t' > "$work/idle-sub.txt" 2>&1 &
  sub=$!
  local ticks0=() ticks1=() t0 t1
  for i in $(seq 0 $((n - 1))); do
    thread_switches "${pids[$i]}" > "$work/idle-threads0-$i"
    ticks0+=("$(proc_ticks "${pids[$i]}")")
  done
  t0=$(now_ns)
  sleep "$secs"
  t1=$(now_ns)
  for i in $(seq 0 $((n - 1))); do
    ticks1+=("$(proc_ticks "${pids[$i]}")")
    thread_switches "${pids[$i]}" > "$work/idle-threads1-$i"
  done
  kill "$sub" 2>/dev/null || true
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  local seconds arrived switches
  seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  for i in $(seq 0 $((n - 1))); do
    arrived=$(grep -c "^idle/$i/" "$work/idle-sub.txt" || true)
    # A thread present only at the end (started meanwhile) counts from zero.
    join -t "$(printf '\t')" -a 2 -e 0 -o 0,1.2,2.2 "$work/idle-threads0-$i" "$work/idle-threads1-$i" \
        | awk -F'\t' -v s="$seconds" '{ printf "%s\t%.2f\n", $1, ($3 - $2) / s }' > "$work/idle-rates-$i"
    switches=$(awk -F'\t' '{ s += $2 } END { printf "%.1f", s }' "$work/idle-rates-$i")
    awk -v f="${IDLE_VARIANTS[$i]}" -v a="${ticks0[$i]}" -v b="${ticks1[$i]}" -v hz="$hz" -v s="$seconds" \
        -v got="$arrived" -v w="$switches" 'BEGIN {
      cpu = (b - a) / hz
      printf "| `%s` | %.0f s | %d (%.2f/s) | %.2f | %.3f%% | %s |\n", f, s, got, got / s, cpu * 3600 / s,
          cpu * 100 / s, w
    }'
  done
  echo
  echo "Wakeups per second by thread (its voluntary + involuntary context switches), per row above:"
  echo
  local header="| thread |" rule="|---|"
  for i in $(seq 0 $((n - 1))); do header="$header \`${IDLE_VARIANTS[$i]}\` |"; rule="$rule---|"; done
  echo "$header"
  echo "$rule"
  cat "$work"/idle-rates-* | cut -f1 | sort -u | while read -r thread; do
    local row="| $thread |" any=0 r
    for i in $(seq 0 $((n - 1))); do
      r=$(awk -F'\t' -v t="$thread" '$1 == t { print $2 }' "$work/idle-rates-$i")
      row="$row ${r:-0.00} |"
      awk -v r="${r:-0}" 'BEGIN { exit !(r >= 0.05) }' && any=1
    done
    [ "$any" = 1 ] && echo "$row"
  done
}

run_cpu() {
  scripts/require-tools.sh mosquitto mosquitto-clients time gcc libmosquitto-dev
  syscall_tool=strace
  if command -v perf >/dev/null && perf stat -x, -e raw_syscalls:sys_enter -- true >/dev/null 2>&1; then
    syscall_tool=perf
  else
    scripts/require-tools.sh strace
  fi
  local n="$CPU_COUNT" warmup i client qos load_before load_after idle_md=""
  warmup=$(( n / 10 < 1 ? 1 : n / 10 > 20000 ? 20000 : n / 10 ))
  mvn -B -q -ntp -DskipTests package || return 1
  gcc -O2 -Wall -Wextra -o "$MOSQ_BENCH" scripts/bench/mosq_pub_bench.c -lmosquitto || return 1
  start_broker || return 1
  : > "$out/cpu-runs.tsv"
  : > "$out/cpu-syscalls.tsv"
  rm -f "$out"/cpu-run-*.log
  load_before=$(uptime | sed 's/.*load average: //')
  echo "cpu: $n messages of ${#PAYLOAD} bytes per run after a $warmup-message warm-up, window $CPU_WINDOW," \
       "$CPU_REPEAT rounds"
  for i in $(seq "$CPU_REPEAT"); do
    for qos in 0 1; do
      for client in sensorpub paho libmosquitto; do cpu_run "$client" "$qos" "$n" "$warmup"; done
    done
  done
  echo "cpu: system calls ($syscall_tool)"
  for qos in 0 1; do
    for client in sensorpub paho libmosquitto; do syscall_run "$client" "$qos" "$n" "$warmup"; done
  done
  load_after=$(uptime | sed 's/.*load average: //')
  if [ "$IDLE_SECONDS" -gt 0 ]; then
    echo "cpu: the idle agent for $IDLE_SECONDS s after a $IDLE_WARMUP_SECONDS s warm-up"
    idle_md=$(run_idle) || { idle_md=""; section_failed idle; }
  fi
  stop_e2e
  {
    echo "## CPU and system calls per message: $n messages of ${#PAYLOAD} bytes, window $CPU_WINDOW, local mosquitto"
    echo
    echo "Command: scripts/bench.sh cpu. Each client ran as its own process, $CPU_REPEAT rounds" \
         "round-robin, no subscriber: after a $warmup-message warm-up on the same connection, $n" \
         "messages up to the last PUBACK (QoS 1) or the broker's answer to a packet sent after the" \
         "last PUBLISH (QoS 0: sensorpub's PINGRESP, Paho's and the C client's PUBACK of one QoS 1" \
         "marker). CPU: user and system time of the whole process from its own accounting" \
         "(getrusage via /usr/bin/time; JVM start-up, JIT and GC threads included) divided by the" \
         "$((n + warmup)) messages it published. System calls: one more run of each under" \
         "$syscall_tool (all threads), divided the same way; wait is epoll_wait, pselect6 and poll." \
         "C: scripts/bench/mosq_pub_bench.c on libmosquitto" \
         "$(dpkg-query -W -f='${Version}' libmosquitto1 2>/dev/null), one thread driving" \
         "mosquitto_loop(), max_inflight_messages $CPU_WINDOW. Paho: Java 1.2.5 MqttAsyncClient," \
         "in-flight $CPU_WINDOW. Load average before / after the runs: $load_before / $load_after."
    machine
    echo
    cpu_table
    if [ -n "$idle_md" ]; then
      echo
      echo "### Idle: the agent with three simulated sensors at 1 reading/s each"
      echo
      echo "\`java FLAGS -jar sensorpub.jar\` (memory queue) with sim-counter, sim-sine and" \
           "sim-random-walk (QoS 1, the default), each every 1 s, to the same mosquitto, one agent per" \
           "row, side by side; measured for $IDLE_SECONDS s after a $IDLE_WARMUP_SECONDS s warm-up." \
           "CPU: utime + stime of the process (/proc/<pid>/stat, $(getconf CLK_TCK) ticks/s); wakeups:" \
           "voluntary + involuntary context switches of all its threads."
      echo
      echo "| JVM flags | measured | readings arrived | CPU s/hour | of one core | wakeups/s |"
      echo "|---|---|---|---|---|---|"
      echo "$idle_md"
    fi
  } | tee "$out/cpu.md"
  echo
}

# The link lab: every run in its own network namespace with its loopback shaped by tc and cut by
# iptables, mosquitto and a counting mosquitto_sub inside, the agent from the built jar. Needs root.
run_links() {
  scripts/require-tools.sh mosquitto mosquitto-clients iproute2 iptables
  mvn -B -q -ntp -DskipTests package || return 1
  {
    echo "## Links: delivery on kernel-shaped thin links"
    echo
    machine
    echo
    # shellcheck disable=SC2086 # LINKS_ARGS is a list of options
    java -cp "$cp" dev.sensorpub.linklab.LinkMatrix --jar "$JAR" --out "$out/links" \
        --parallel "${LINKS_PARALLEL:-6}" ${LINKS_ARGS:-}
  } | tee "$out/links.md"
  echo
}

section_failed() { failures=$((failures + 1)); echo "section $1 FAILED" >&2; }

case "$section" in
  codec) run_codec || section_failed codec ;;
  queue) run_queue || section_failed queue ;;
  e2e) run_e2e || section_failed e2e ;;
  backlog) run_backlog || section_failed backlog ;;
  fuzz) run_fuzz || section_failed fuzz ;;
  crash) run_crash || section_failed crash ;;
  cpu) run_cpu || section_failed cpu ;;
  links) run_links || section_failed links ;;
  all)
    run_codec || section_failed codec
    run_queue || section_failed queue
    run_backlog || section_failed backlog
    run_e2e || section_failed e2e
    ;;
esac

if [ "$failures" -gt 0 ]; then
  echo "bench.sh: $failures run(s) FAILED (see the tables above and $out/*.log)" >&2
  exit 1
fi
