#!/usr/bin/env bash
# Inside the namespace: start PostgreSQL on loopback, run the unit and
# integration tests, then the browser tests on their own (Chromium needs the
# cores), stop PostgreSQL, and print one closing line for both runs.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/throwaway-postgres.sh
pg_start || echo "test: PostgreSQL could not start; the PostgreSQL store tests will fail" >&2
trap pg_stop EXIT

reports=$(mktemp -d)
status=0
run() {
  local name=$1
  shift
  npx vitest run --reporter=default --reporter=json --outputFile.json="$reports/$name.json" "$@" || status=1
}
if [ $# -gt 0 ]; then
  run selected "$@"
else
  run node --project unit --project integration
  run browser --project e2e
fi
node scripts/summary.mjs "$reports"/*.json || status=1
exit $status
