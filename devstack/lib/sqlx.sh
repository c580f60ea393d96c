# Checked SQL: the query macros' offline data (`.sqlx/`) is made from a database that holds
# exactly the services' migrations, applied in the order the stack applies them.

SQLX_SCHEMA_DB=boxoffice_sqlx_schema
SQLX_CLI_VERSION=0.8.6
CARGO_TOOLS="$HOME/.cache/boxoffice/cargo-tools"

install_sqlx_cli() {
  if [ -x "$CARGO_TOOLS/bin/cargo-sqlx" ] \
    && "$CARGO_TOOLS/bin/cargo-sqlx" sqlx --version 2>/dev/null | grep -q "$SQLX_CLI_VERSION"; then
    return
  fi
  say "installing sqlx-cli $SQLX_CLI_VERSION (once, into $CARGO_TOOLS)"
  cargo install sqlx-cli --version "$SQLX_CLI_VERSION" --locked --no-default-features \
    --features postgres,rustls --root "$CARGO_TOOLS" >>"$LOGS/sqlx-cli-install.log" 2>&1 \
    || fail "installing sqlx-cli failed; see $LOGS/sqlx-cli-install.log"
}

# A fresh database with every service's migrations and nothing else.
make_schema_database() {
  PGOPTIONS='-c client_min_messages=warning' psql_boxoffice -d postgres -c "drop database if exists $SQLX_SCHEMA_DB with (force)" >/dev/null \
    && psql_boxoffice -d postgres -c "create database $SQLX_SCHEMA_DB" >/dev/null \
    || fail "cannot create database $SQLX_SCHEMA_DB"
  local url="postgres://boxoffice:boxoffice@127.0.0.1:$POSTGRES_PORT/$SQLX_SCHEMA_DB" source
  for source in command-service order-service scheduler; do
    "$CARGO_TOOLS/bin/cargo-sqlx" sqlx migrate run --ignore-missing --database-url "$url" \
      --source "$ROOT/$source/migrations" >>"$LOGS/sqlx.log" 2>&1 \
      || fail "applying $source's migrations to $SQLX_SCHEMA_DB failed; see $LOGS/sqlx.log"
  done
  echo "$url"
}

# cmd_sqlx prepare|check: write `.sqlx/` from the migrations, or fail if it is stale.
cmd_sqlx() {
  local mode=${1:-}
  case $mode in prepare | check) ;; *) fail "usage: devstack/stack sqlx prepare|check" ;; esac
  start_one postgres start_postgres healthy_postgres 60 "$POSTGRES_PORT"
  install_sqlx_cli
  local url
  url=$(make_schema_database) || exit 1
  cd "$ROOT" || exit 1
  local args=(--workspace)
  [ "$mode" = check ] && args+=(--check)
  say "$([ "$mode" = check ] && echo checking || echo writing) .sqlx/ against the migrations"
  DATABASE_URL="$url" SQLX_OFFLINE=false PATH="$CARGO_TOOLS/bin:$PATH" cargo sqlx prepare "${args[@]}" -- --all-targets
}
