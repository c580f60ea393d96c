# Shared helpers for the stack tool: paths, output, process supervision, waiting.
# Sourced by devstack/stack; not meant to run alone.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEVSTACK="$ROOT/devstack"
STATE="${BOXOFFICE_STATE:-$ROOT/.stack}"
LOGS="$STATE/log"
RUN="$STATE/run"
DATA="$STATE/data"
VENV="$STATE/venv"
export BOXOFFICE_STATE="$STATE"

# Fixed local ports: one place to change them.
PROXY_PORT=8080
POSTGRES_PORT=15432
REDIS_PORT=16379
KAFKA_PORT=19092
MONGO_PORT=17017
OIDC_PORT=9400
DEBEZIUM_HEALTH_PORT=9401
SMTP_PORT=2525
COMMAND_PORT=8081
QUERY_PORT=8082
ORDER_PORT=8083
SCHEDULER_PORT=8084
PROJECTOR_PORT=8085

# What the services and tests read; printed by `stack env`.
export DATABASE_URL="postgres://boxoffice:boxoffice@127.0.0.1:$POSTGRES_PORT/boxoffice"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/"
export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
export MONGO_URL="mongodb://127.0.0.1:$MONGO_PORT/"
export OIDC_ISSUER="http://127.0.0.1:$OIDC_PORT"
export SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"

if [ -t 1 ]; then BOLD=$'\e[1m'; RED=$'\e[31m'; GREEN=$'\e[32m'; DIM=$'\e[2m'; RESET=$'\e[0m'
else BOLD=; RED=; GREEN=; DIM=; RESET=; fi

say()  { printf '%s\n' "${BOLD}==>${RESET} $*"; }
note() { printf '%s\n' "    ${DIM}$*${RESET}"; }
fail() { printf '%s\n' "${RED}error:${RESET} $*" >&2; exit 1; }

# wait_for NAME SECONDS COMMAND...: polls COMMAND until it succeeds or the deadline passes.
wait_for() {
  local name=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      fail "$name did not become healthy within ${seconds}s; see its log: $LOGS/$name.log
$(tail -n 15 "$LOGS/$name.log" 2>/dev/null | sed 's/^/    | /')"
    fi
    if ! is_running "$name"; then
      fail "$name exited during start-up; see its log: $LOGS/$name.log
$(tail -n 15 "$LOGS/$name.log" 2>/dev/null | sed 's/^/    | /')"
    fi
    sleep 0.2
  done
}

pid_of() { cat "$RUN/$1.pid" 2>/dev/null; }

# is_running NAME: the recorded process exists and is not a zombie (a killed engine whose
# parent has gone stays one until reaped, and kill -0 still succeeds on it).
is_running() {
  local pid state; pid=$(pid_of "$1") || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  state=$(ps -o stat= -p "$pid" 2>/dev/null)
  [[ $state != Z* ]]
}

# spawn NAME COMMAND...: starts COMMAND in its own session (so stopping it takes its children
# too), logging to $LOGS/NAME.log and recording its pid.
spawn() {
  local name=$1; shift
  mkdir -p "$LOGS" "$RUN"
  printf '\n--- %s start: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$LOGS/$name.log"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# stop_pid NAME: SIGTERM to the process group, then SIGKILL after a grace period.
stop_pid() {
  local name=$1 pid
  pid=$(pid_of "$name") || return 0
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    local deadline=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      note "$name did not stop in 15s; killing"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$RUN/$name.pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_ok() { curl -fs -o /dev/null --max-time 2 "$1" 2>/dev/null; }
