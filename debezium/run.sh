#!/usr/bin/env bash
# run.sh <out-dir> <props...>
# Starts the CDC runner built by build.sh. exec keeps the JVM's pid = this script's pid,
# so a supervisor signals the JVM directly (SIGTERM → engine close → offsets flushed).
# JAVA_OPTS replaces the default heap setting; CDC_LOG_LEVEL sets the root log level.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 <out-dir> <connector.properties> [override.properties ...]" >&2
  exit 2
fi
out="$1"
shift
if [ ! -f "$out/classpath" ]; then
  echo "run.sh: $out/classpath missing; run build.sh first" >&2
  exit 1
fi
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xmx512m} -cp "$(cat "$out/classpath")" io.boxoffice.cdc.Runner "$@"
