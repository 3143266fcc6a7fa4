// Prints the one closing line CI reads, summed over vitest's JSON reports.
// Each report `X.json` may have a sibling `X.exit` with vitest's exit code: a run
// that failed without a failed test (an unhandled error, a hook that threw) counts
// as one failure, so the line never says "0 failed" while the run failed.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.error(`summary: no test report at ${file}`);
    failed += 1;
    continue;
  }
  const failedHere =
    (report.numFailedTests ?? 0) +
    // A test file that failed without a failed test (it did not load, or a hook failed and its tests were skipped) still failed.
    (report.testResults ?? []).filter((r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  const exitFile = file.replace(/\.json$/, '.exit');
  const exitCode = existsSync(exitFile) ? Number(readFileSync(exitFile, 'utf8').trim()) : 0;
  if (exitCode !== 0 && failedHere === 0) {
    console.error(`summary: vitest exited ${exitCode} for ${file} with no failed test — look for "Unhandled Errors" above`);
    failed += 1;
  }
  passed += report.numPassedTests ?? 0;
  failed += failedHere;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
if (process.argv.length <= 2) failed += 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
