#!/usr/bin/env bash
# The demo: sensorpub on the simulator board publishes to a local mosquitto through a link that
# goes silent for 20 seconds (packets vanish: no reset, no FIN), then comes back. A subscriber
# proves that no reading was lost. Stops everything it started.
#   scripts/demo.sh            (about 70 seconds)
#   OUTAGE_SECONDS=60 scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

OUTAGE_SECONDS="${OUTAGE_SECONDS:-20}"
BEFORE_SECONDS=10
AFTER_SECONDS=15

scripts/require-tools.sh mosquitto mosquitto-clients
echo "== building"
mvn -B -Dstyle.color=never -q -ntp -DskipTests package
java_cp="target/test-classes:target/classes:$(mvn -B -Dstyle.color=never -q -ntp dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=/dev/stdout)"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

broker_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$broker_port" > "$work/mosquitto.conf"
[ "$(id -u)" -eq 0 ] && echo "user root" >> "$work/mosquitto.conf"
/usr/sbin/mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$broker_port") 2>/dev/null && break; sleep 0.1; done
echo "== mosquitto on 127.0.0.1:$broker_port"

mkfifo "$work/proxy.in"
java -cp "$java_cp" dev.sensorpub.testing.BlackHoleProxyMain 127.0.0.1 "$broker_port" \
    < "$work/proxy.in" > "$work/proxy.out" 2>&1 &
pids+=($!)
exec 4> "$work/proxy.in"
for _ in $(seq 100); do grep -q '^port ' "$work/proxy.out" 2>/dev/null && break; sleep 0.1; done
proxy_port=$(awk '/^port /{print $2}' "$work/proxy.out")
echo "== black-hole proxy on 127.0.0.1:$proxy_port (the 'tunnel')"

stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$broker_port" -t 'demo/#' -q 1 -v > "$work/received.txt" &
pids+=($!)
sed "s/@PORT@/$proxy_port/" scripts/demo/mapping.properties > "$work/mapping.properties"
java -jar target/sensorpub.jar --check "$work/mapping.properties"

echo "== starting sensorpub (its log follows)"
java -Dsensorpub.board-dir="$PWD/board-configs" -jar target/sensorpub.jar "$work/mapping.properties" \
    > "$work/agent.log" 2>&1 &
agent=$!
pids+=($agent)
tail -n +1 -f "$work/agent.log" &
pids+=($!)

sleep "$BEFORE_SECONDS"
echo "== $(date -u +%T) the link goes silent for $OUTAGE_SECONDS s (black hole: no reset, no FIN)"
echo hole >&4
sleep "$OUTAGE_SECONDS"
echo "== $(date -u +%T) the link is back"
echo restore >&4
sleep "$AFTER_SECONDS"

echo "== stopping sensorpub (SIGTERM)"
kill -TERM "$agent"
status=0
wait "$agent" || status=$?
sleep 1

produced=$(grep -o 'sensor beat: [0-9]* readings' "$work/agent.log" | grep -o '[0-9]*' | head -1)
received=$(grep -c '^demo/beat ' "$work/received.txt" || true)
distinct=$(grep '^demo/beat ' "$work/received.txt" | awk '{print $2}' | sort -n -u | wc -l)
missing=$(grep '^demo/beat ' "$work/received.txt" | awk '{print $2}' | sort -n -u \
    | awk -v n="${produced:-0}" 'BEGIN{for(i=0;i<n;i++)want[i]=1} {delete want[$1]} END{c=0; for(k in want)c++; print c}')
# Any verdict counts (no answer, no PINGRESP, no ack, writes stuck): the reason says how long.
detected=$(grep -o 'link dead: [^;]*' "$work/agent.log" | head -1 | sed 's/^link dead: //')

echo
echo "== summary"
echo "readings produced (counter):  ${produced:-unknown}"
echo "readings received:            $received"
echo "lost:                         $missing"
echo "duplicates:                   $((received - distinct))"
echo "outage detected:              ${detected:-not detected} (keep alive 4 s)"
echo "sensorpub exit status:        $status"
if [ -z "$produced" ] || [ "$missing" -ne 0 ] || [ "$status" -ne 0 ] || [ -z "$detected" ]; then
  echo "DEMO FAILED"
  exit 1
fi
echo "no reading was lost"
