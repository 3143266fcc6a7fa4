import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, 'summary.mjs');

function lines(stdout: Buffer): { line: string; above: string[] } {
  const all = stdout.toString().trim().split('\n');
  return { line: all.at(-1) ?? '', above: all.slice(0, -1) };
}

/** Runs summary.mjs over reports written to a fresh folder; returns its last line and exit code. */
function summarize(reports: Record<string, { json: object; exit?: number }>): { line: string; above: string[]; code: number } {
  const dir = mkdtempSync(join(tmpdir(), 'summary-'));
  const files = Object.entries(reports).map(([name, { json, exit }]) => {
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(json));
    if (exit !== undefined) writeFileSync(join(dir, `${name}.exit`), `${exit}\n`);
    return join(dir, `${name}.json`);
  });
  try {
    return { ...lines(execFileSync('node', [script, ...files], { stdio: ['ignore', 'pipe', 'ignore'] })), code: 0 };
  } catch (error) {
    const failure = error as { stdout: Buffer; status: number };
    return { ...lines(failure.stdout), code: failure.status };
  }
}

describe('the closing line of npm test', () => {
  it('sums passed and failed tests over the runs, and exits 0 only when nothing failed', () => {
    expect(summarize({ node: { json: { numPassedTests: 10 }, exit: 0 }, browser: { json: { numPassedTests: 3 }, exit: 0 } })).toMatchObject({
      line: '13 passed, 0 failed',
      code: 0,
    });
    expect(summarize({ node: { json: { numPassedTests: 10, numFailedTests: 2 }, exit: 1 } })).toMatchObject({ line: '10 passed, 2 failed', code: 1 });
  });

  it('counts a run that vitest failed with no failed test (an unhandled error) as one failure', () => {
    expect(summarize({ node: { json: { numPassedTests: 10 }, exit: 1 }, browser: { json: { numPassedTests: 3 }, exit: 0 } })).toMatchObject({
      line: '13 passed, 1 failed',
      code: 1,
    });
  });

  it('names each failed test and the start of its message just above the line, where the end of a CI log shows it', () => {
    const report = {
      numPassedTests: 4,
      numFailedTests: 1,
      testResults: [
        {
          name: '/repo/packages/server/src/cluster/session-leases.int.test.ts',
          status: 'failed',
          assertionResults: [
            { status: 'passed', fullName: 'a lease is renewed' },
            { status: 'failed', fullName: 'a lease > moves to the survivor', failureMessages: ['AssertionError: expected 1 to be 2\n    at stack'] },
          ],
        },
        { name: '/repo/tests/e2e/broken.test.ts', status: 'failed', message: 'Cannot find module x', assertionResults: [] },
      ],
    };
    const { line, above } = summarize({ node: { json: report, exit: 1 } });
    expect(line).toBe('4 passed, 2 failed');
    expect(above).toEqual([
      'FAILED /repo/packages/server/src/cluster/session-leases.int.test.ts > a lease > moves to the survivor: AssertionError: expected 1 to be 2',
      'FAILED /repo/tests/e2e/broken.test.ts: Cannot find module x',
    ]);
  });

  it('names each test that passed only on a retry, with what its first try failed on, and counts it as passed', () => {
    const report = {
      numPassedTests: 2,
      testResults: [
        {
          name: '/repo/tests/e2e/janus-crash.test.ts',
          status: 'passed',
          assertionResults: [
            { status: 'passed', fullName: 'comes back by itself', failureMessages: ["Error: timed out waiting for ann's frames rising\n    at stack"] },
            { status: 'passed', fullName: 'steady', failureMessages: [] },
          ],
        },
      ],
    };
    const { line, above, code } = summarize({ browser: { json: report, exit: 0 } });
    expect({ line, code }).toEqual({ line: '2 passed, 0 failed', code: 0 });
    expect(above).toEqual(["PASSED ON A RETRY /repo/tests/e2e/janus-crash.test.ts > comes back by itself: Error: timed out waiting for ann's frames rising"]);
  });

  it('counts a missing report as a failure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'summary-'));
    let code = 0;
    try {
      execFileSync('node', [script, join(dir, 'absent.json')], { stdio: 'ignore' });
    } catch (error) {
      code = (error as { status: number }).status;
    }
    expect(code).toBe(1);
  });
});
