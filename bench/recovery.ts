/**
 * `npm run bench:recovery` (inside the in-netns namespace): how long a call's
 * media takes to come back after what carries it restarts, RUNS times each
 * (5 by default), in one two-person call in Chromium (fake devices):
 *
 * 1. Janus restart → media back: the embedded Janus is SIGKILLed; from the
 *    supervisor's restart (Janus answering again) until both pages decode
 *    video and receive audio on their new connections.
 * 2. Server restart → media back: the server (a child process, one data dir
 *    and port) is SIGKILLed and started again at once; from the new process
 *    answering until both pages decode video and receive audio on their new
 *    connections. Also: kill → answering (the process start).
 *
 * Each time is the slower of the two pages, measured in the pages
 * (tests/e2e/media-back.ts). Prints p50/min/max to paste into docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type ServerProcess, startServerProcess } from '@parley/server/testing/server-process';
import type { Browser } from 'playwright-core';
import { type CallPage, eventually, launchChromium, openCallPage, type Stack, startCall, startStack, stats } from '../tests/e2e/harness.ts';
import { mediaBackAt, watchMediaBack } from '../tests/e2e/media-back.ts';

const RUNS = Number(process.env.RUNS ?? 5);
/** Between runs, so each starts from a call that flows. */
const SETTLE_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(name: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const p50 = sorted[Math.floor((sorted.length - 1) / 2)];
  return `${name}: p50 ${p50} ms, min ${sorted[0]} ms, max ${sorted.at(-1)} ms (n=${values.length}: ${values.join(', ')})`;
}

async function twoInACall(stack: Stack, sessionId: string): Promise<CallPage[]> {
  const calls: CallPage[] = [];
  for (const uid of ['ann', 'ben']) {
    const call = await openCallPage(stack, `${uid}-${sessionId}`, uid.toUpperCase());
    await startCall(call, sessionId);
    calls.push(call);
  }
  for (const c of calls) await eventually(() => stats(c), (s) => s.videoFramesDecoded > 10 && s.audioPacketsReceived > 0, 20_000, `${c.uid}'s media`);
  return calls;
}

/** The slower page's media back, in ms after `from`. */
async function backAfter(calls: CallPage[], from: number): Promise<number> {
  const back = await Promise.all(calls.map((c) => mediaBackAt(c)));
  return Math.max(...back) - from;
}

async function janusRestarts(): Promise<number[]> {
  const stack = await startStack({ LOG_LEVEL: 'error' });
  try {
    const calls = await twoInACall(stack, 'bench-recovery-janus');
    const janus = stack.server.media?.process;
    if (!janus) throw new Error('the test server has no embedded Janus');
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await watchMediaBack(calls);
      const answering = new Promise<number>((resolve) => janus.once('restarted', () => resolve(Date.now())));
      process.kill(janus.pid as number, 'SIGKILL');
      const answeredAt = await answering;
      times.push(await backAfter(calls, answeredAt));
      console.error(`janus run ${run + 1}: media back ${times.at(-1)} ms after Janus answered`);
      await sleep(SETTLE_MS);
    }
    return times;
  } finally {
    await stack.close();
  }
}

async function serverRestarts(browser: Browser): Promise<{ back: number[]; start: number[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-recovery-'));
  const port = await freePort();
  const start = () => startServerProcess({ DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'error' });
  let server: ServerProcess = await start();
  try {
    const calls = await twoInACall({ url: server.url, browser } as unknown as Stack, 'bench-recovery-server');
    const back: number[] = [];
    const starts: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await sleep(500); // the live state is written after the answers
      await watchMediaBack(calls);
      const killedAt = Date.now();
      await server.kill('SIGKILL');
      server = await start();
      const answeredAt = Date.now();
      starts.push(answeredAt - killedAt);
      back.push(await backAfter(calls, answeredAt));
      console.error(`server run ${run + 1}: answering ${starts.at(-1)} ms after the kill, media back ${back.at(-1)} ms after that`);
      await sleep(SETTLE_MS);
    }
    return { back, start: starts };
  } finally {
    await server.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const janus = await janusRestarts();
  const browser = await launchChromium();
  try {
    const server = await serverRestarts(browser);
    console.log(summary('Janus restart (answering again) → media back on both pages', janus));
    console.log(summary('server restart (answering again) → media back on both pages', server.back));
    console.log(summary('server kill -9 → answering again (process start, same data dir)', server.start));
  } finally {
    await browser.close();
  }
}

await main();
process.exit(0);
