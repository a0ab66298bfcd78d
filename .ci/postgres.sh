#!/usr/bin/env bash
# Start a throwaway local PostgreSQL for the ledger/storage tests and print the URL to use:
#   eval "$(bash .ci/postgres.sh)"   →   REDLINE_TEST_POSTGRES_URL=postgres://redline:redline@127.0.0.1:PORT/redline_test
# Idempotent: a second run reuses the running server. Everything except the final export line goes
# to stderr so `eval` only sees the export. Test-only: trust auth on 127.0.0.1, never for production.
set -euo pipefail

PGROOT="${REDLINE_PG_DIR:-/tmp/redline-pg}"
DATA="$PGROOT/data"
SOCK="$PGROOT/sock"
PORTFILE="$PGROOT/port"
log() { echo "postgres.sh: $*" >&2; }

# 1. Binaries: install from Debian if missing.
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
BIN="$(find_bin || true)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  log "installing postgresql from apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2 && apt-get install -y postgresql >&2
  BIN="$(find_bin)"
fi

# The server refuses to run as root: run it as the 'postgres' user when we are root.
as_pg() {
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PGROOT" postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

mkdir -p "$PGROOT" "$SOCK"
[ "$(id -u)" = "0" ] && chown -R postgres "$PGROOT"

# 2. Cluster: create once.
if [ ! -f "$DATA/PG_VERSION" ]; then
  log "initdb in $DATA"
  as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >&2
fi

# 3. Server: start on a free port unless already running.
if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  echo "$PORT" >"$PORTFILE"
  log "starting server on 127.0.0.1:$PORT"
  # max_connections: several gateway processes with pools in the multi-writer tests.
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$PGROOT/server.log" -w -t 60 \
    -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1 -c max_connections=200" start >&2
fi
PORT="$(cat "$PORTFILE")"

# 4. Role and database for the tests.
psql_pg() { as_pg "$BIN/psql" -h "$SOCK" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_pg -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname='redline'")" != "1" ]; then
  psql_pg -d postgres -c "CREATE ROLE redline LOGIN PASSWORD 'redline'" >&2
fi
if [ "$(psql_pg -d postgres -c "SELECT 1 FROM pg_database WHERE datname='redline_test'")" != "1" ]; then
  psql_pg -d postgres -c "CREATE DATABASE redline_test OWNER redline" >&2
fi

echo "export REDLINE_TEST_POSTGRES_URL=postgres://redline:redline@127.0.0.1:$PORT/redline_test"
