#!/usr/bin/env bash
# Inside the namespace: start PostgreSQL on loopback, run vitest, stop it.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/throwaway-postgres.sh
pg_start || echo "test: PostgreSQL could not start; the PostgreSQL store tests will fail" >&2
trap pg_stop EXIT

results=$(mktemp -d)/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@"
status=$?
node scripts/summary.mjs "$results" || status=1
exit $status
