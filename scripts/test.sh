#!/usr/bin/env bash
# `npm test`: builds the SDK, starts a throwaway PostgreSQL (Unix socket only),
# then runs every test (unit, integration, e2e) inside a private network
# namespace, and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
node packages/sdk/build.mjs || exit 1
source scripts/throwaway-postgres.sh
pg_start || echo "test: PostgreSQL could not start; the PostgreSQL store tests will fail" >&2
trap pg_stop EXIT
bash scripts/in-netns.sh bash scripts/test-inner.sh "$@"
