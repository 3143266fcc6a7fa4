/**
 * Stopping everything with a call in progress leaves no Janus and no Chromium
 * process behind.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { eventually, openCallPage, startCall, startStack, stats } from './harness.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Our direct children whose command is Chromium. */
function chromiumChildren(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'chromium'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe('stopping the server during a call', () => {
  it('leaves no Janus or Chromium process behind', async () => {
    const stack = await startStack();
    const a = await openCallPage(stack, 'stop-a');
    const b = await openCallPage(stack, 'stop-b');
    await startCall(a, 'stop-1');
    await startCall(b, 'stop-1');
    await eventually(() => stats(b), (s) => s.videoFramesDecoded > 0, 20_000, 'media before stopping');

    const janusPid = stack.server.media?.process?.pid;
    expect(janusPid).toBeGreaterThan(0);
    const browsers = chromiumChildren();
    expect(browsers.length).toBeGreaterThan(0);

    await stack.close();
    await eventually(async () => alive(janusPid as number), (isAlive) => !isAlive, 5_000, 'janus gone');
    await eventually(async () => browsers.filter(alive), (left) => left.length === 0, 5_000, 'chromium gone');
  });
});
