/**
 * The benches run under tsx, not vitest, yet open pages with the e2e harness:
 * a test helper they import must not need vitest's runtime (importing
 * `expect` outside a vitest worker throws as the module loads).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const sharedWithBenches = ['tests/e2e/harness.ts', 'tests/e2e/media-back.ts', 'tests/e2e/nat/nat-stack.ts', 'tests/e2e/nat/testbed.ts'];

describe('the e2e helpers the benches use', () => {
  it('load in plain Node (tsx), outside any test run', async () => {
    const script = `Promise.all(${JSON.stringify(sharedWithBenches.map((f) => `./${f}`))}.map((f) => import(f))).catch((e) => { console.error(e); process.exit(1); });`;
    const { stderr } = await promisify(execFile)(`${root}node_modules/.bin/tsx`, ['--eval', script], { cwd: root });
    expect(stderr).toBe('');
  }, 60_000);
});
