# Each engine: start_<name> (idempotent), healthy_<name> (one real round trip), url_<name>.
# Order matters: ENGINES lists them in start order; `down` stops them in reverse.

ENGINES=(postgres redis kafka mongo debezium oidc smtp)
SERVICES=(command-service query-service order-service projector scheduler)

PG_BIN=/usr/lib/postgresql/15/bin

# PostgreSQL runs as user postgres, which may not be able to reach a checkout under a private
# home directory; its data then lives in a directory named after the state dir instead.
pg_data_dir() {
  if runuser -u postgres -- test -x "$STATE" 2>/dev/null; then
    echo "$DATA/postgres"
  else
    echo "/var/tmp/boxoffice-$(echo "$STATE" | sha1sum | cut -c1-12)/postgres"
  fi
}
mkdir -p "$STATE"
PG_DATA=$(pg_data_dir)

psql_boxoffice() {
  PGPASSWORD=boxoffice psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$POSTGRES_PORT" -U boxoffice "$@"
}

# --- PostgreSQL: private instance, wal_level=logical, database `boxoffice`.
start_postgres() {
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    say "initialising PostgreSQL data dir $PG_DATA"
    mkdir -p "$PG_DATA" && chown postgres:postgres "$PG_DATA" && chmod 700 "$PG_DATA"
    runuser -u postgres -- test -w "$PG_DATA" \
      || fail "user postgres cannot write $PG_DATA; choose another state dir with BOXOFFICE_STATE=/some/dir"
    local pwfile; pwfile=$(mktemp) && echo boxoffice >"$pwfile" && chown postgres "$pwfile"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -U boxoffice --pwfile="$pwfile" \
      --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >>"$LOGS/postgres.log" 2>&1
    local status=$?; rm -f "$pwfile"
    ((status == 0)) || fail "initdb failed; see $LOGS/postgres.log"
    cat >>"$PG_DATA/postgresql.conf" <<CONF
# boxoffice local stack
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = ''
wal_level = logical
max_replication_slots = 10
max_wal_senders = 10
max_connections = 300
shared_buffers = 256MB
CONF
  fi
  # synchronous_commit stays on (as in production): logical decoding ships WAL only once it is
  # flushed, so with it off every change would wait for the WAL writer (~200 ms) before CDC.
  spawn postgres runuser -u postgres -- "$PG_BIN/postgres" -D "$PG_DATA" -c synchronous_commit=on
}
healthy_postgres() { pg_isready -q -h 127.0.0.1 -p "$POSTGRES_PORT" && psql_boxoffice -d postgres -c 'select 1'; }
url_postgres() { echo "$DATABASE_URL (data: $PG_DATA)"; }
stop_postgres() {
  # SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
  local pid; pid=$(head -1 "$PG_DATA/postmaster.pid" 2>/dev/null)
  [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null
  stop_pid postgres
}

prepare_postgres() {
  psql_boxoffice -d postgres -tc "select 1 from pg_database where datname = 'boxoffice'" | grep -q 1 \
    || psql_boxoffice -d postgres -c 'create database boxoffice' || fail "cannot create database boxoffice"
  psql_boxoffice -d boxoffice -f "$DEVSTACK/sql/pipeline.sql" >>"$LOGS/postgres.log" 2>&1 \
    || fail "applying devstack/sql/pipeline.sql failed; see $LOGS/postgres.log"
}

# --- Redis: keyspace notifications for string commands, generic commands and expiries.
start_redis() {
  mkdir -p "$DATA/redis"
  spawn redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DATA/redis" \
    --save '' --appendonly no --notify-keyspace-events 'K$gx'
}
healthy_redis() { [ "$(redis-cli -p "$REDIS_PORT" ping)" = PONG ]; }
url_redis() { echo "$REDIS_URL"; }

# --- Kafka-protocol broker (tansu, in-memory log: see README "Local stack").
start_kafka() {
  # Offsets and consumer groups live in the broker's memory and die with it; services that
  # consume name their group after this broker's lifetime (see start_service).
  date +%s >"$RUN/kafka.epoch"
  spawn kafka "$(tansu_bin)" broker --listener-url "tcp://127.0.0.1:$KAFKA_PORT" \
    --advertised-listener-url "tcp://127.0.0.1:$KAFKA_PORT" --storage-engine memory://tansu/
}
healthy_kafka() {
  "$VENV/bin/python" - "$KAFKA_BROKERS" <<'PY'
import sys
from confluent_kafka.admin import AdminClient
AdminClient({"bootstrap.servers": sys.argv[1], "log_level": 0}).list_topics(timeout=2)
PY
}
url_kafka() { echo "$KAFKA_BROKERS"; }

# --- MongoDB-protocol read store.
start_mongo() {
  mkdir -p "$DATA/mongo"
  spawn mongo "$VENV/bin/nx-27017" --data-dir "$DATA/mongo" --host 127.0.0.1 -p "$MONGO_PORT"
}
healthy_mongo() {
  "$VENV/bin/python" - "$MONGO_URL" <<'PY'
import sys, pymongo
pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=2000).admin.command("ping")
PY
}
url_mongo() { echo "$MONGO_URL"; }

# --- Debezium CDC runner (embedded engine → broker).
start_debezium() {
  mkdir -p "$DATA/debezium"
  DEBEZIUM_HEALTH_PORT=$DEBEZIUM_HEALTH_PORT BOXOFFICE_DB_PORT=$POSTGRES_PORT KAFKA_BROKERS=$KAFKA_BROKERS \
    spawn debezium "$ROOT/debezium/run.sh" "$STATE/debezium-build" \
    "$ROOT/debezium/connector.properties" "$ROOT/debezium/local-engine.properties"
}
healthy_debezium() { http_ok "http://127.0.0.1:$DEBEZIUM_HEALTH_PORT/health"; }
url_debezium() { echo "http://127.0.0.1:$DEBEZIUM_HEALTH_PORT/health"; }

# --- OIDC provider (stands in for Keycloak).
start_oidc() {
  mkdir -p "$DATA/oidc"
  OIDC_PORT=$OIDC_PORT OIDC_KEYS_FILE="$DATA/oidc/jwks.json" spawn oidc node "$DEVSTACK/oidc/server.js"
}
healthy_oidc() { http_ok "$OIDC_ISSUER/.well-known/openid-configuration"; }
url_oidc() { echo "$OIDC_ISSUER"; }

# --- SMTP sink: accepts all mail into a Maildir.
start_smtp() {
  # A Maildir: the sink writes into tmp/ and moves each message to new/.
  mkdir -p "$DATA/mail/tmp" "$DATA/mail/new" "$DATA/mail/cur"
  spawn smtp "$VENV/bin/python" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$DATA/mail"
}
healthy_smtp() { exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT" && read -r -t 2 banner <&3 && [[ $banner == 220* ]]; }
url_smtp() { echo "$SMTP_URL (mail lands in $DATA/mail)"; }

# --- Reverse proxy: one origin for every service.
# render_proxy_config [FILE]: the template with this stack's values, checked by nginx, written
# to FILE (default: the config the proxy runs with).
render_proxy_config() {
  local out=${1:-$STATE/proxy/nginx.conf}
  mkdir -p "$STATE/proxy" "$DATA/proxy"
  # The hard limit is what an unprivileged nginx may raise itself to; some is kept for its files.
  local open_files
  open_files=$(ulimit -Hn)
  [[ $open_files =~ ^[0-9]+$ ]] && ((open_files <= 65536)) || open_files=65536
  local connections=$((open_files > 2048 ? open_files - 1024 : 1024))
  sed -e "s|@OPEN_FILES@|$open_files|g" -e "s|@CONNECTIONS@|$connections|g" -e "s|@STATE@|$STATE|g" \
    -e "s|@ROOT@|$ROOT|g" -e "s|@PROXY_PORT@|$PROXY_PORT|g" -e "s|@COMMAND_PORT@|$COMMAND_PORT|g" \
    -e "s|@QUERY_PORT@|$QUERY_PORT|g" -e "s|@ORDER_PORT@|$ORDER_PORT|g" \
    "$DEVSTACK/proxy/nginx.conf.template" >"$out"
  nginx -t -q -c "$out" -p "$STATE/proxy" >>"$LOGS/proxy.log" 2>&1
}
start_proxy() {
  render_proxy_config || fail "the rendered nginx config is invalid; see $LOGS/proxy.log"
  spawn proxy nginx -c "$STATE/proxy/nginx.conf" -p "$STATE/proxy" -g 'daemon off;'
}
healthy_proxy() { http_ok "http://127.0.0.1:$PROXY_PORT/healthz"; }
url_proxy() { echo "http://127.0.0.1:$PROXY_PORT/"; }

# --- The Boxoffice services, built from this checkout.
service_port() {
  case $1 in
    command-service) echo "$COMMAND_PORT" ;; query-service) echo "$QUERY_PORT" ;;
    order-service) echo "$ORDER_PORT" ;; scheduler) echo "$SCHEDULER_PORT" ;; projector) echo "$PROJECTOR_PORT" ;;
  esac
}
target_dir() { echo "${CARGO_TARGET_DIR:-$ROOT/target}"; }
# `up --release` sets BOXOFFICE_PROFILE=release: load figures are only meaningful from
# optimised builds, while debug stays the default because it builds several times faster.
# `restart` reuses the profile the last `up` chose (kept in $RUN/profile).
profile() {
  local chosen=${BOXOFFICE_PROFILE:-$(cat "$RUN/profile" 2>/dev/null || true)}
  [ "$chosen" = release ] && echo release || echo debug
}
binary() { echo "$(target_dir)/$(profile)/$1"; }
build_services() {
  local flags=(--workspace --bins --quiet)
  [ "$(profile)" = release ] && flags+=(--release)
  say "building the services (cargo build, $(profile); the first build takes a few minutes)"
  (cd "$ROOT" && cargo build "${flags[@]}") || fail "cargo build failed"
}
# Schema owners apply their migrations before any service starts (in production: a k3s Job).
migrate_services() {
  say "applying database migrations"
  "$(binary command-service)" migrate >>"$LOGS/migrate.log" 2>&1 \
    || fail "command-service migrations failed; see $LOGS/migrate.log"
  "$(binary order-service)" migrate >>"$LOGS/migrate.log" 2>&1 \
    || fail "order-service migrations failed; see $LOGS/migrate.log"
  "$(binary scheduler)" migrate >>"$LOGS/migrate.log" 2>&1 \
    || fail "scheduler migrations failed; see $LOGS/migrate.log"
}
start_service() {
  local command=("$(binary "$1")")
  if [ "$1" = order-service ]; then
    # Ticket QR codes must keep verifying across restarts: the signing key is made once and kept.
    local key="$DATA/order-service/ticket-signing-key"
    if [ ! -s "$key" ]; then
      mkdir -p "$DATA/order-service"
      (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$key") \
        || fail "cannot write the ticket signing key $key"
    fi
    command=(env "TICKET_SIGNING_KEY_FILE=$key" "${command[@]}")
  fi
  if [ "$1" = projector ]; then
    # A consumer group per broker lifetime: the in-memory broker forgets committed offsets when
    # it restarts anyway, and tansu can leave a reused group without assignments.
    command=(env "PROJECTOR_GROUP_ID=boxoffice-projector-$(cat "$RUN/kafka.epoch" 2>/dev/null || echo 0)" "${command[@]}")
  fi
  if [ "$1" = scheduler ]; then
    # As the projector: its plan lives in PostgreSQL, so a fresh group that replays the
    # re-snapshotted topics only confirms it.
    command=(env "SCHEDULER_GROUP_ID=boxoffice-scheduler-$(cat "$RUN/kafka.epoch" 2>/dev/null || echo 0)" "${command[@]}")
  fi
  LISTEN_ADDR="127.0.0.1:$(service_port "$1")" LOG_FORMAT=json spawn "$1" "${command[@]}"
}
healthy_service() { http_ok "http://127.0.0.1:$(service_port "$1")/health"; }
ready_service() { http_ok "http://127.0.0.1:$(service_port "$1")/ready"; }
