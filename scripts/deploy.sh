#!/usr/bin/env bash
# Builds sensorpub and installs it on a Raspberry Pi as a systemd service.
# Run with --help for usage; --dry-run prints every command instead of running it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROG="deploy.sh"

usage() {
  cat <<'EOF'
usage: scripts/deploy.sh [options] user@host [mapping.properties] [board]

Builds target/sensorpub.jar and installs it on a Raspberry Pi over ssh:
  /opt/sensorpub/sensorpub.jar                    the jar (and runtime/ with --runtime)
  /etc/sensorpub/sensorpub.properties             the mapping file, if given
  /etc/sensorpub/board-configs/<board>.properties the board config
  /var/lib/sensorpub                              the file queue (systemd StateDirectory)
  /etc/systemd/system/sensorpub.service           the unit (from scripts/sensorpub.service)
It creates the system user "sensorpub" in those of the groups gpio, i2c, spi (and dialout
when the mapping sets log.serial) that exist, then enables and (re)starts the service.

  mapping.properties  the sensor-to-topic mapping; without it the Pi keeps its current one
  board               a name from board-configs/ (raspberry-pi-4b) or a path to a board
                      file; default: the mapping file's "board" key

options:
  --dry-run        print every command instead of running it
  --no-build       use the existing target/sensorpub.jar
  --no-check       skip "java -jar sensorpub.jar --check --hardware" on the Pi before
                   installing (it validates the mapping, and checks as the login user
                   that each device it needs exists and may be opened)
  --runtime DIR    also install a jlink runtime (scripts/build-runtime.sh, built for
                   aarch64) as /opt/sensorpub/runtime and run the service with it
  -h, --help       this text

The login user on the Pi needs sudo (Raspberry Pi OS's first user has it). ssh settings
such as a port or key belong in ~/.ssh/config.
EOF
}

die() {   # usage mistakes: exit 2
  echo "$PROG: $*" >&2
  echo "run '$PROG --help' for usage" >&2
  exit 2
}

fail() {  # anything else that stops the deployment: exit 1
  echo "$PROG: $*" >&2
  exit 1
}

DRY_RUN=0
BUILD=1
CHECK=1
RUNTIME=""
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    --no-build) BUILD=0 ;;
    --no-check) CHECK=0 ;;
    --runtime)
      [ $# -ge 2 ] || die "--runtime needs a directory"
      RUNTIME="$2"
      shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; ARGS+=("$@"); break ;;
    -*) die "unknown option '$1'" ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done
[ ${#ARGS[@]} -ge 1 ] || die "missing user@host"
[ ${#ARGS[@]} -le 3 ] || die "too many arguments: ${ARGS[*]}"
TARGET="${ARGS[0]}"
MAPPING="${ARGS[1]:-}"
BOARD_ARG="${ARGS[2]:-}"
case "$TARGET" in
  ""|-*|*" "*) die "'$TARGET' is not a valid ssh target (expected user@host)" ;;
esac

# Prints a command as it would be typed (words with anything but safe characters in single
# quotes), or runs it.
run() {
  if [ "$DRY_RUN" -eq 1 ]; then
    local line="+" word
    for word in "$@"; do
      if [[ "$word" =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
        line+=" $word"
      else
        line+=" '${word//\'/\'\\\'\'}'"
      fi
    done
    printf '%s\n' "$line"
  else
    "$@"
  fi
}

# The value of a key in a properties file: the last "key = value" or "key: value" line,
# first word only (so a trailing "# comment" is dropped). Empty when absent.
property() {
  local file="$1" key="$2"
  sed -n "s/^[[:space:]]*${key//./\\.}[[:space:]]*[=:][[:space:]]*\([^[:space:]]*\).*/\1/p" "$file" | tail -n 1
}

# --- What to install -------------------------------------------------------------------
if [ -n "$MAPPING" ]; then
  [ -f "$MAPPING" ] || fail "mapping file '$MAPPING' does not exist"
  [ -r "$MAPPING" ] || fail "mapping file '$MAPPING' is not readable"
fi

# A board is a name from board-configs/ or a path (relative to the mapping file when it
# comes from the mapping's "board" key, as the agent resolves it).
BOARD_FILE=""
BOARD="$BOARD_ARG"
BOARD_BASE="."
if [ -z "$BOARD" ] && [ -n "$MAPPING" ]; then
  BOARD="$(property "$MAPPING" board)"
  BOARD_BASE="$(dirname "$MAPPING")"
  [ -n "$BOARD" ] || fail "mapping file '$MAPPING' has no 'board' key; name the board as the third argument"
fi
if [ -n "$BOARD" ]; then
  case "$BOARD" in
    /*) candidate="$BOARD" ;;
    *) candidate="$BOARD_BASE/$BOARD" ;;
  esac
  if [ -f "$candidate" ]; then
    BOARD_FILE="$candidate"
  elif [ -f "$ROOT/board-configs/$BOARD.properties" ]; then
    BOARD_FILE="$ROOT/board-configs/$BOARD.properties"
  else
    known=""
    for f in "$ROOT"/board-configs/*.properties; do
      [ -f "$f" ] && known="$known $(basename "$f" .properties)"
    done
    fail "board '$BOARD' is neither a file nor one of board-configs/:${known:- (none)}"
  fi
fi

SERIAL=""
if [ -n "$MAPPING" ]; then
  SERIAL="$(property "$MAPPING" log.serial)"
  if [ -n "$SERIAL" ] && ! [[ "$SERIAL" =~ ^/dev/[A-Za-z0-9._/-]+$ ]]; then
    fail "log.serial '$SERIAL' in '$MAPPING' is not a device path under /dev"
  fi
fi

if [ -n "$RUNTIME" ]; then
  [ -x "$RUNTIME/bin/java" ] || fail "--runtime '$RUNTIME' has no bin/java (build it with scripts/build-runtime.sh)"
  JAVA=/opt/sensorpub/runtime/bin/java
else
  JAVA=/usr/bin/java
fi

JAR="$ROOT/target/sensorpub.jar"
if [ "$BUILD" -eq 1 ]; then
  run mvn -B -ntp -f "$ROOT/pom.xml" -DskipTests package
fi
if [ "$DRY_RUN" -eq 0 ]; then
  [ -f "$JAR" ] || fail "$JAR was not built (run: mvn -B -ntp -DskipTests package)"
fi

# --- Files staged locally, then copied in one scp ---------------------------------------
LOCAL_STAGE="$(mktemp -d)"
trap 'rm -rf "$LOCAL_STAGE"' EXIT
mkdir -p "$LOCAL_STAGE/etc/board-configs"
sed "s|@JAVA@|$JAVA|" "$ROOT/scripts/sensorpub.service" > "$LOCAL_STAGE/sensorpub.service"
cp "$ROOT/scripts/deploy-remote.sh" "$LOCAL_STAGE/install.sh"
[ -z "$MAPPING" ] || cp "$MAPPING" "$LOCAL_STAGE/etc/sensorpub.properties"
BOARD_NAME=""
if [ -n "$BOARD_FILE" ]; then
  BOARD_NAME="$(basename "$BOARD_FILE" .properties)"
  cp "$BOARD_FILE" "$LOCAL_STAGE/etc/board-configs/$BOARD_NAME.properties"
fi
if [ -n "$SERIAL" ]; then
  cat > "$LOCAL_STAGE/serial.conf" <<EOF
# Written by scripts/deploy.sh because the mapping file sets log.serial = $SERIAL
[Service]
# The UART's device classes: ttyS is the mini UART (serial0 on a Pi 3/4/Zero 2 W by
# default), ttyAMA the PL011 (Pi 5, or a Pi 3/4 with dtoverlay=disable-bt).
DeviceAllow=char-ttyS rw
DeviceAllow=char-ttyAMA rw
# 115200 8N1; raw: no CR/LF translation (sensorpub writes CRLF itself); clocal: opening
# never waits for a carrier. "-": a missing device is sensorpub's one warning on stdout,
# not a failed start.
ExecStartPre=-/bin/stty -F $SERIAL 115200 cs8 -cstopb -parenb -crtscts raw -echo clocal
EOF
fi

# A fresh directory on the Pi for this deployment; mkdir fails if it already exists.
REMOTE_STAGE="/tmp/sensorpub-deploy-$(date +%s)-$$"
ITEMS=("$LOCAL_STAGE/sensorpub.service" "$LOCAL_STAGE/install.sh" "$LOCAL_STAGE/etc")
[ -z "$SERIAL" ] || ITEMS+=("$LOCAL_STAGE/serial.conf")
[ -z "$RUNTIME" ] || ITEMS+=("$RUNTIME")

echo "deploying to $TARGET: jar${MAPPING:+, mapping $MAPPING}${BOARD_NAME:+, board $BOARD_NAME}${SERIAL:+, serial log $SERIAL}${RUNTIME:+, runtime $RUNTIME}"
run ssh "$TARGET" "umask 077 && mkdir $REMOTE_STAGE"
run scp -q -r "$JAR" "${ITEMS[@]}" "$TARGET:$REMOTE_STAGE/"
if [ -n "$RUNTIME" ] && [ "$(basename "$RUNTIME")" != runtime ]; then
  run ssh "$TARGET" "mv $REMOTE_STAGE/$(basename "$RUNTIME") $REMOTE_STAGE/runtime"
fi
if [ "$CHECK" -eq 1 ] && [ -n "$MAPPING" ]; then
  # Validate on the Pi, as the agent will read it, and check the devices it needs (overlay
  # enabled, node present, groups) before anything is replaced. It runs as the login user,
  # who on Raspberry Pi OS is in the groups gpio, i2c and spi like the service user.
  check_java=java
  [ -z "$RUNTIME" ] || check_java="$REMOTE_STAGE/runtime/bin/java"
  run ssh "$TARGET" "cd $REMOTE_STAGE/etc && $check_java -jar $REMOTE_STAGE/sensorpub.jar --check --hardware sensorpub.properties"
fi
# -t: sudo may need to ask for a password.
run ssh -t "$TARGET" "sudo sh $REMOTE_STAGE/install.sh $REMOTE_STAGE $JAVA ${SERIAL:-none}"

if [ "$DRY_RUN" -eq 1 ]; then
  echo
  echo "dry run: nothing was built, copied or installed; the Pi would then be watched with:"
else
  echo
  echo "sensorpub is installed on $TARGET. Watch it:"
fi
cat <<EOF
  ssh -t $TARGET journalctl -u sensorpub -f        # live log (journald)
  ssh -t $TARGET systemctl status sensorpub        # state, last lines, restarts
EOF
if [ -n "$SERIAL" ]; then
  cat <<EOF
  serial console: connect a 3.3 V USB serial adapter to GPIO14 (TXD, pin 8), GPIO15
  (RXD, pin 10) and GND (pin 6), then on this machine: screen /dev/ttyUSB0 115200
  (or: picocom -b 115200 /dev/ttyUSB0). The Pi needs enable_uart=1 and no login
  console on $SERIAL: sudo raspi-config nonint do_serial_hw 0; sudo raspi-config
  nonint do_serial_cons 1; reboot. (Pi 5: serial0 is the 3-pin debug connector;
  GPIO14/15 is /dev/ttyAMA0 after dtparam=uart0=on.)
EOF
fi
