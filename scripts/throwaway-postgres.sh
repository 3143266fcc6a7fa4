#!/usr/bin/env bash
# Sourced by test.sh: a PostgreSQL server in a temp dir, removed afterwards.
# It listens on a Unix socket only (no TCP), so tests inside the private
# network namespace reach it through the shared filesystem, and it is started
# outside that namespace, where initdb runs as a real, non-root user (as root:
# the postgres user). Exports TEST_DATABASE_URL.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_DIR=""
PG_RUN_AS=()
pg_start() {
  [ -n "$PG_BIN" ] || return 1
  PG_DIR=$(mktemp -d /tmp/parley-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  local port=$((20000 + RANDOM % 20000))
  # initdb refuses to run as root: run the server as the postgres user then.
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    chown postgres "$PG_DIR"
    PG_RUN_AS=(runuser -u postgres --)
  fi
  "${PG_RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U parley >/dev/null || return 1
  "${PG_RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses='' -c fsync=off" start >/dev/null || return 1
  "${PG_RUN_AS[@]}" "$PG_BIN/createdb" -h "$PG_DIR" -p "$port" -U parley parley_test || return 1
  export TEST_DATABASE_URL="postgres://parley@localhost:$port/parley_test?host=$PG_DIR"
}
pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  "${PG_RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$PG_DIR"
  PG_DIR=""
}
