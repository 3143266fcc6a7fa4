/**
 * Join benchmark: how long from `startSession()` to the first remote video
 * frame decoded, over N joins of a second participant; then Janus's CPU with
 * 2, 4 and 6 participants in one call. Run with `npm run bench:join`
 * (inside a private network namespace). Prints a markdown table.
 *
 *   JOINS=20 npm run bench:join
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { type CallPage, openCallPage, startCall, startStack } from '../tests/e2e/harness.ts';

const JOINS = Number(process.env.JOINS ?? 15);
const CPU_WINDOW_MS = Number(process.env.CPU_WINDOW_MS ?? 10_000);

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** Starts a session in the page and resolves with ms from startSession to the first remote frame decoded. */
async function timedJoin(call: CallPage, sessionId: string): Promise<number> {
  return call.page.evaluate(async ({ authToken, sessionId }) => {
    const { ParleyCalls, CallSettingsBuilder } = (window as any).Parley;
    const token = await ParleyCalls.generateToken(authToken, sessionId);
    const el = document.createElement('div');
    document.body.append(el);
    const t0 = performance.now();
    const session = await ParleyCalls.startSession(token, new CallSettingsBuilder().setDefaultLayout(false).build(), el);
    (window as any).session = session;
    for (;;) {
      const { subscriber } = session.getPeerConnections();
      if (subscriber) {
        let frames = 0;
        (await subscriber.getStats()).forEach((r: any) => {
          if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
        });
        if (frames > 0) return performance.now() - t0;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }, { authToken: call.authToken, sessionId });
}

const stack = await startStack();
try {
  const host = await openCallPage(stack, 'bench-host');
  await startCall(host, 'bench-join');
  await new Promise((r) => setTimeout(r, 2000)); // the host's media is up before anyone joins

  const times: number[] = [];
  for (let i = 0; i < JOINS; i++) {
    const guest = await openCallPage(stack, `bench-guest-${i}`);
    times.push(await timedJoin(guest, 'bench-join'));
    await guest.page.evaluate(() => (window as any).session.endSession());
    await guest.context.close();
  }
  times.sort((a, b) => a - b);

  const janusPid = stack.server.media?.process?.pid;
  const cpuRows: string[] = [];
  if (janusPid) {
    const pages: CallPage[] = [host];
    for (const target of [2, 4, 6]) {
      while (pages.length < target) {
        const p = await openCallPage(stack, `bench-cpu-${pages.length}`);
        await startCall(p, 'bench-join');
        pages.push(p);
      }
      await new Promise((r) => setTimeout(r, 3000)); // let subscriptions settle
      const c0 = cpuSeconds(janusPid);
      await new Promise((r) => setTimeout(r, CPU_WINDOW_MS));
      const pct = ((cpuSeconds(janusPid) - c0) / (CPU_WINDOW_MS / 1000)) * 100;
      cpuRows.push(`| ${target} | ${target * (target - 1)} | ${pct.toFixed(1)} % |`);
    }
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\n## Join benchmark (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpu})\n`);
  console.log(`startSession → first remote video frame decoded, ${JOINS} joins of a second participant:\n`);
  console.log('| p50 | p95 | min | max |\n| --- | --- | --- | --- |');
  console.log(`| ${percentile(times, 50).toFixed(0)} ms | ${percentile(times, 95).toFixed(0)} ms | ${times[0]?.toFixed(0)} ms | ${times.at(-1)?.toFixed(0)} ms |`);
  console.log(`\nJanus CPU (share of one core, ${CPU_WINDOW_MS / 1000} s window) with everyone publishing audio+video:\n`);
  console.log('| participants | video subscriptions | Janus CPU |\n| --- | --- | --- |');
  for (const row of cpuRows) console.log(row);
} finally {
  await stack.close();
}
