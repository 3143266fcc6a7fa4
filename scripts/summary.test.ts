import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, 'summary.mjs');

/** Runs summary.mjs over reports written to a fresh folder; returns its last line and exit code. */
function summarize(reports: Record<string, { json: object; exit?: number }>): { line: string; code: number } {
  const dir = mkdtempSync(join(tmpdir(), 'summary-'));
  const files = Object.entries(reports).map(([name, { json, exit }]) => {
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(json));
    if (exit !== undefined) writeFileSync(join(dir, `${name}.exit`), `${exit}\n`);
    return join(dir, `${name}.json`);
  });
  try {
    return { line: execFileSync('node', [script, ...files], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(), code: 0 };
  } catch (error) {
    const failure = error as { stdout: Buffer; status: number };
    return { line: failure.stdout.toString().trim(), code: failure.status };
  }
}

describe('the closing line of npm test', () => {
  it('sums passed and failed tests over the runs, and exits 0 only when nothing failed', () => {
    expect(summarize({ node: { json: { numPassedTests: 10 }, exit: 0 }, browser: { json: { numPassedTests: 3 }, exit: 0 } })).toEqual({
      line: '13 passed, 0 failed',
      code: 0,
    });
    expect(summarize({ node: { json: { numPassedTests: 10, numFailedTests: 2 }, exit: 1 } })).toEqual({ line: '10 passed, 2 failed', code: 1 });
  });

  it('counts a run that vitest failed with no failed test (an unhandled error) as one failure', () => {
    expect(summarize({ node: { json: { numPassedTests: 10 }, exit: 1 }, browser: { json: { numPassedTests: 3 }, exit: 0 } })).toEqual({
      line: '13 passed, 1 failed',
      code: 1,
    });
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
