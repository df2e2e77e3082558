#!/bin/sh
# Runs on the Pi as root; scripts/deploy.sh copies it there with the files to install and
# runs: sudo sh install.sh <stage-dir> <java-binary> <serial-device|none>
# POSIX sh: the Pi needs nothing but its base system and a JRE.
set -eu

STAGE="$1"
JAVA="$2"
SERIAL="$3"
USER_NAME=sensorpub
UNIT=/etc/systemd/system/sensorpub.service
DROPIN_DIR=/etc/systemd/system/sensorpub.service.d
# The stage holds a copy of the mapping file (maybe a password): gone whatever happens.
trap 'rm -rf "$STAGE"' EXIT

# Refuse before changing anything: a first deployment needs a mapping file, and the java
# that will run the service must run here (a jlink runtime built for another CPU does not).
if [ ! -f "$STAGE/etc/sensorpub.properties" ] && [ ! -f /etc/sensorpub/sensorpub.properties ]; then
  echo "install: no mapping file staged and none in /etc/sensorpub; deploy again with one" >&2
  exit 1
fi
if [ -d "$STAGE/runtime" ]; then
  java_to_try="$STAGE/runtime/bin/java"
else
  java_to_try="$JAVA"
fi
# default-jre-headless is Java 17 on Bookworm and 21 on Trixie (which has no openjdk-17).
if ! "$java_to_try" -version >/dev/null 2>&1; then
  echo "install: $java_to_try does not run here; install a JRE (sudo apt install" >&2
  echo "         default-jre-headless) or build the runtime for this CPU (build-runtime.sh)" >&2
  exit 1
fi
java_version="$("$java_to_try" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java\.specification\.version = //p')"
case "$java_version" in
  ''|1.*|[0-9]|1[0-6])
    echo "install: $java_to_try is Java ${java_version:-of unknown version}; sensorpub needs 17 or newer" >&2
    echo "         (sudo apt install default-jre-headless on Bookworm or Trixie)" >&2
    exit 1 ;;
esac

if [ -d "$STAGE/runtime" ]; then
  rm -rf /opt/sensorpub/runtime.new
  install -d -m 0755 /opt/sensorpub
  cp -a "$STAGE/runtime" /opt/sensorpub/runtime.new
  chown -R root:root /opt/sensorpub/runtime.new
  rm -rf /opt/sensorpub/runtime
  mv /opt/sensorpub/runtime.new /opt/sensorpub/runtime
fi

# An unprivileged system user without a login shell or home; devices come from groups.
if ! id -u "$USER_NAME" >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir /var/lib/sensorpub \
    --shell /usr/sbin/nologin "$USER_NAME"
  echo "install: created system user $USER_NAME"
fi
groups_wanted="gpio i2c spi"
[ "$SERIAL" = none ] || groups_wanted="$groups_wanted dialout"
for group in $groups_wanted; do
  if getent group "$group" >/dev/null; then
    usermod -a -G "$group" "$USER_NAME"
  else
    echo "install: group $group does not exist here, skipped"
  fi
done

install -d -m 0755 -o root -g root /opt/sensorpub
install -m 0644 -o root -g root "$STAGE/sensorpub.jar" /opt/sensorpub/sensorpub.jar

# The mapping file may hold the broker password: readable by root and sensorpub only.
install -d -m 0750 -o root -g "$USER_NAME" /etc/sensorpub /etc/sensorpub/board-configs
if [ -f "$STAGE/etc/sensorpub.properties" ]; then
  install -m 0640 -o root -g "$USER_NAME" "$STAGE/etc/sensorpub.properties" /etc/sensorpub/sensorpub.properties
fi
for board in "$STAGE"/etc/board-configs/*.properties; do
  [ -f "$board" ] || continue
  install -m 0640 -o root -g "$USER_NAME" "$board" "/etc/sensorpub/board-configs/$(basename "$board")"
done

# The queue directory; systemd's StateDirectory= would create it too, but a first
# "java -jar ... --check" by hand should find it.
install -d -m 0750 -o "$USER_NAME" -g "$USER_NAME" /var/lib/sensorpub

install -m 0644 -o root -g root "$STAGE/sensorpub.service" "$UNIT"
if [ "$SERIAL" != none ]; then
  install -d -m 0755 "$DROPIN_DIR"
  install -m 0644 -o root -g root "$STAGE/serial.conf" "$DROPIN_DIR/serial.conf"
  if grep -qsE "console=(serial0|ttyS0|ttyAMA0)" /boot/firmware/cmdline.txt /boot/cmdline.txt; then
    echo "install: warning: the kernel console is on the serial port (cmdline.txt); its messages"
    echo "         and a login prompt will mix with sensorpub's lines. raspi-config > Interface"
    echo "         Options > Serial Port: login shell No, hardware Yes (then reboot)."
  fi
else
  rm -f "$DROPIN_DIR/serial.conf"
fi

systemctl daemon-reload
systemctl enable sensorpub.service
# Type=notify: restart waits until the agent reports ready, and fails if it exits before.
if ! systemctl restart sensorpub.service; then
  systemctl --no-pager --lines=15 status sensorpub.service || true
  echo "install: sensorpub did not start; the lines above say why (systemd retries it)" >&2
  exit 1
fi
sleep 2
systemctl --no-pager --lines=15 status sensorpub.service || true
