#!/usr/bin/env bash
# `npm test`: builds the SDK, then runs every test (unit, integration, e2e)
# inside a private network namespace with a throwaway PostgreSQL, and ends
# with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
node packages/sdk/build.mjs || exit 1
exec bash scripts/in-netns.sh bash scripts/test-inner.sh "$@"
