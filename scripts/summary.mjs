// Prints the one closing line CI reads, summed over vitest's JSON reports.
// Each report `X.json` may have a sibling `X.exit` with vitest's exit code: a run
// that failed without a failed test (an unhandled error, a hook that threw) counts
// as one failure, so the line never says "0 failed" while the run failed.
// Above the line it names each failed test and the start of its message: CI
// keeps only the end of the output, and that end must say what broke; and each
// test that passed only when tried again (CI retries browser tests once), with
// what its first try failed on, so a flaky test stays in sight.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
const retried = [];
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
  for (const result of report.testResults ?? []) {
    const failedTests = (result.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const test of failedTests) failures.push(`${result.name} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    // A passed test with failure messages failed a try before the one that passed.
    for (const test of result.assertionResults ?? []) {
      if (test.status === 'passed' && test.failureMessages?.length) retried.push(`${result.name} > ${test.fullName}: ${firstLine(test.failureMessages[0])}`);
    }
    if (result.status === 'failed' && failedTests.length === 0) failures.push(`${result.name}: ${firstLine(result.message)}`);
  }
  passed += report.numPassedTests ?? 0;
  failed += failedHere;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
if (process.argv.length <= 2) failed += 1;
for (const test of retried) console.log(`PASSED ON A RETRY ${test}`);
for (const failure of failures) console.log(`FAILED ${failure}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);

function firstLine(text) {
  return (text ?? '').split('\n')[0].slice(0, 300);
}
