#!/usr/bin/env bash
# `npm run cluster` (issue 17.6): a local cluster on loopback for development —
# a throwaway PostgreSQL (scripts/throwaway-postgres.sh), then Redis, two Janus
# nodes, two server processes and haproxy in front (scripts/local-cluster.ts).
# Ctrl-C or SIGTERM stops everything; the database goes with it.
set -u
cd "$(dirname "$0")/.."
source scripts/throwaway-postgres.sh
pg_start || { echo "cluster: PostgreSQL could not start (bash scripts/setup.sh test installs it)" >&2; exit 1; }
DATABASE_URL="$TEST_DATABASE_URL" node --import tsx scripts/local-cluster.ts &
child=$!
# Ctrl-C reaches the child too; SIGTERM to this script alone is passed on.
trap 'kill -TERM "$child" 2>/dev/null' INT TERM
rc=0
# `wait` returns early when a trapped signal arrives: wait again until the child has really gone.
while kill -0 "$child" 2>/dev/null; do
  wait "$child"
  rc=$?
done
pg_stop
exit "$rc"
