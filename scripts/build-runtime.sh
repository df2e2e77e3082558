#!/usr/bin/env bash
# Builds a minimal Java runtime for sensorpub with jlink: only the modules jdeps finds in
# target/sensorpub.jar plus the few it cannot see. Run with --help for usage.
#
# A jlink runtime is platform specific: for a Raspberry Pi it must be linked from aarch64
# (or armhf for a 32-bit OS) jmods. Either run this script on the Pi itself (Raspberry Pi
# OS: sudo apt install default-jdk-headless, JDK 17 on Bookworm and 21 on Trixie, which holds
# jlink, jdeps and the jmods), or cross-link here with --target-jmods pointing at the jmods
# directory of an aarch64 JDK of the same feature version as this machine's jlink.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROG="build-runtime.sh"

# Modules needed at run time that jdeps cannot see, because nothing names them in code:
#  jdk.crypto.ec  the SunEC provider, found through java.security's provider list. Without
#                 it TLS has no ECDHE key exchange and no EC certificates, and most brokers
#                 (mosquitto with a Let's Encrypt certificate, AWS IoT, HiveMQ Cloud) refuse
#                 the handshake.
#
# Modules jdeps lists only because of optional code inside dependencies, which sensorpub
# never runs; left out when every class that needs them is in the named package:
#  java.desktop        JNA's helpers for AWT window handles (com.sun.jna.Native and
#                      Native$AWT); JNA comes with pi4j-plugin-linuxfs (ioctl for I2C/SPI)
#  java.security.jgss  JSch's Kerberos login (com.jcraft.jsch.jgss); JSch comes with
#                      pi4j-plugin-linuxfs and is not used by its I2C/SPI providers
# Leaving them out saves about 15 MB (java.desktop pulls in java.xml, java.prefs, ...).
# If any other class starts to need one of them, the module stays in and the script says so.
OPTIONAL="java.desktop=com.sun.jna. java.security.jgss=com.jcraft.jsch.jgss."
#
# Not added: jdk.management (com.sun.management) and java.management are referenced in code
# where used, so jdeps lists them; jdk.localedata, jdk.charsets: log lines are ASCII and
# payloads UTF-8, both in java.base.
EXTRA_MODULES="jdk.crypto.ec"

usage() {
  cat <<'EOF'
usage: scripts/build-runtime.sh [--jar FILE] [--output DIR] [--target-jmods DIR] [--add-modules M,...]

Links a Java runtime containing only what sensorpub.jar needs, then prints its module list
and size. Run the agent with it: DIR/bin/java -jar sensorpub.jar mapping.properties

  --jar FILE           the jar to analyse (default target/sensorpub.jar; built if missing)
  --output DIR         where the runtime goes (default target/runtime; replaced)
  --target-jmods DIR   jmods of the target platform's JDK, to cross-link for a Pi (default:
                       this JDK's own, so the runtime runs on this machine only)
  --add-modules M,...  more modules, e.g. jdk.jfr for flight recordings
  -h, --help           this text

Needs a JDK with jlink, jdeps and jmods (Debian/Raspberry Pi OS: default-jdk-headless, 17 on
Bookworm, 21 on Trixie; where a JDK package ships without jmods/, its openjdk-NN-jmods).
EOF
}

die() {
  echo "$PROG: $*" >&2
  exit 2
}

JAR="$ROOT/target/sensorpub.jar"
OUTPUT="$ROOT/target/runtime"
TARGET_JMODS=""
ADD=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jar|--output|--target-jmods|--add-modules)
      [ $# -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --jar) JAR="$2" ;;
        --output) OUTPUT="$2" ;;
        --target-jmods) TARGET_JMODS="$2" ;;
        --add-modules) ADD="$2" ;;
      esac
      shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done

# The JDK: JAVA_HOME if set, else the one whose jlink is on PATH.
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jlink" ]; then
  JDK="$JAVA_HOME"
elif command -v jlink >/dev/null; then
  JDK="$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")"
else
  die "no jlink found: install a JDK (apt install default-jdk-headless) or set JAVA_HOME"
fi
JMODS="${TARGET_JMODS:-$JDK/jmods}"
[ -f "$JMODS/java.base.jmod" ] || die "no java.base.jmod in $JMODS (install the JDK's jmods, e.g. default-jdk-headless)"

if [ ! -f "$JAR" ]; then
  [ "$JAR" = "$ROOT/target/sensorpub.jar" ] || die "jar '$JAR' does not exist"
  echo "$PROG: building $JAR"
  mvn -B -q -ntp -f "$ROOT/pom.xml" -DskipTests package
fi

JAVA_FEATURE="$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java\.specification\.version = //p')"
# --multi-release: the shaded jar holds META-INF/versions classes of some dependencies.
FOUND="$("$JDK/bin/jdeps" --print-module-deps --ignore-missing-deps \
  --multi-release "$JAVA_FEATURE" "$JAR")"
[ -n "$FOUND" ] || die "jdeps found no modules in $JAR"

# Class-level dependencies, "<class> -> <class> <module>", to see who needs each module.
USES="$("$JDK/bin/jdeps" -verbose:class --ignore-missing-deps --multi-release "$JAVA_FEATURE" "$JAR" \
  | awk 'NF == 4 && $2 == "->" { print $1, $4 }')"
KEPT=""
DROPPED=""
IFS=, read -r -a found_list <<< "$FOUND"
for module in "${found_list[@]}"; do
  keep=1
  for rule in $OPTIONAL; do
    [ "${rule%%=*}" = "$module" ] || continue
    prefix="${rule#*=}"
    others="$(awk -v m="$module" -v p="$prefix" '$2 == m && index($1, p) != 1 { print $1 }' <<< "$USES" | sort -u)"
    if [ -z "$others" ]; then
      keep=0
    else
      echo "$PROG: keeping $module, needed outside $prefix by: $(tr '\n' ' ' <<< "$others")"
    fi
  done
  if [ "$keep" -eq 1 ]; then
    KEPT="${KEPT:+$KEPT,}$module"
  else
    DROPPED="${DROPPED:+$DROPPED,}$module"
  fi
done
MODULES="$KEPT,$EXTRA_MODULES${ADD:+,$ADD}"

# JDK 21 renamed the compression levels; 17 only knows the numbers.
if [ "${JAVA_FEATURE%%.*}" -ge 21 ]; then
  COMPRESS="zip-6"
else
  COMPRESS="2"
fi

# --strip-debug also strips the native libraries' debug symbols with this machine's objcopy,
# which cannot read another CPU's ELF files: cross-linking for a Pi printed one "strip failed"
# error per native file (14). Cross-linking strips the Java debug attributes only; that loses
# nothing with Debian's jmods, whose native files carry no debug sections (measured with
# aarch64-linux-gnu-objcopy: 37,137,935 bytes either way).
platform_of() {
  "$JDK/bin/jmod" describe "$1/java.base.jmod" | sed -n 's/^platform //p'
}
TARGET_PLATFORM="$(platform_of "$JMODS")"
HOST_PLATFORM="$(platform_of "$JDK/jmods")"
if [ "$TARGET_PLATFORM" = "$HOST_PLATFORM" ]; then
  STRIP="--strip-debug"
  STRIPPED="Java debug attributes and native debug symbols"
else
  STRIP="--strip-java-debug-attributes"
  STRIPPED="Java debug attributes ($TARGET_PLATFORM native files are left as they are)"
fi

rm -rf "$OUTPUT"
"$JDK/bin/jlink" \
  --module-path "$JMODS" \
  --add-modules "$MODULES" \
  "$STRIP" --no-header-files --no-man-pages \
  --compress="$COMPRESS" \
  --output "$OUTPUT"

echo "jdeps found:   $FOUND"
echo "left out:      ${DROPPED:-(none)} (optional code in dependencies, see the script)"
echo "added:         $EXTRA_MODULES${ADD:+,$ADD}"
echo "linked:        $MODULES"
echo "stripped:      $STRIPPED"
echo "runtime:       $OUTPUT ($(du -sh "$OUTPUT" | cut -f1), $(du -sb "$OUTPUT" | cut -f1) bytes)"
if [ -z "$TARGET_JMODS" ]; then
  echo "platform:      $(uname -m), runs on this machine only"
  "$OUTPUT/bin/java" --list-modules | sed 's/^/  /'
else
  echo "platform:      $TARGET_PLATFORM, linked from $TARGET_JMODS (copy it to the Pi, or: deploy.sh --runtime $OUTPUT)"
fi
