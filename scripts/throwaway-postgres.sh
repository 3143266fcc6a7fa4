#!/usr/bin/env bash
# Sourced by test-inner.sh: a PostgreSQL server in a temp dir, on a loopback
# port, removed afterwards. Exports TEST_DATABASE_URL.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_DIR=""
pg_start() {
  [ -n "$PG_BIN" ] || return 1
  PG_DIR=$(mktemp -d /tmp/parley-pg.XXXXXX)
  local port=$((20000 + RANDOM % 20000))
  local as=()
  # initdb refuses to run as root: run the server as the postgres user then.
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 && [ "${PARLEY_IN_NETNS_USERNS:-}" != 1 ]; then
    chown postgres "$PG_DIR"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U parley >/dev/null || return 1
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null || return 1
  "${as[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U parley parley_test || return 1
  export TEST_DATABASE_URL="postgres://parley@127.0.0.1:$port/parley_test"
  PG_RUN_AS=("${as[@]}")
}
pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  "${PG_RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$PG_DIR"
  PG_DIR=""
}
