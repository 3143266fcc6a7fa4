#!/usr/bin/env bash
# Inside the namespace: the unit and integration tests, then the browser tests
# on their own (Chromium needs the cores), and one closing line for both runs.
set -uo pipefail
cd "$(dirname "$0")/.."
reports=$(mktemp -d)
status=0
run() {
  local name=$1
  shift
  npx vitest run --reporter=default --reporter=json --outputFile.json="$reports/$name.json" "$@"
  local code=$?
  # vitest's JSON report leaves out unhandled errors; its exit code does not, so the summary reads both.
  echo "$code" > "$reports/$name.exit"
  [ "$code" = 0 ] || status=1
}
if [ $# -gt 0 ]; then
  run selected "$@"
else
  # Three files at a time: vitest's default on two cores is one, and most integration files wait on Janus,
  # servers and timers rather than compute (the node half: ~11 min one at a time, under 5 min three at a time).
  run node --project unit --project integration --maxWorkers=3
  run browser --project e2e
fi
node scripts/summary.mjs "$reports"/*.json || status=1
exit $status
