/**
 * The server itself goes away during a two-person call in Chromium (a child
 * process: kill -9, or SIGTERM and its drain) and starts again on the same
 * data dir and port: both pages resume with their tokens into the rebuilt
 * session and publish and subscribe again by themselves — media back
 * (getStats: frames decoded rising on the new connections), no leave, join or
 * end, mute kept, one stay each in the call log, and a recording across it is
 * one file with the gap marked. Left down past the reconnect
 * window, both pages end with onCallEnded 'server-unavailable' and the
 * default UI says so.
 *
 * The calls that carry on use a 20 s reconnect window (server grace and the
 * pages' policy) instead of the default 10 s: the restart must answer within
 * the window, and a first start of the server here takes 2–5 s on a shared,
 * loaded machine (docs/benchmarks.md, "Recovery"); the test is about carrying
 * on, not about this machine's start time. The call left down keeps the default.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type ServerProcess, startServerProcess } from '@parley/server/testing/server-process';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, events, launchChromium, openCallPage, type Stack, startCall, stats } from './harness.ts';
import { mediaBackAt, watchMediaBack } from './media-back.ts';

let browser: Browser;
let dataDir: string;
let port: number;
let server: ServerProcess | undefined;
const started: ServerProcess[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-restart-'));
  port = await freePort();
});
afterAll(async () => {
  // Every server this file started, first: a browser close that hangs must not leave one running.
  for (const s of started) await s.kill('SIGKILL');
  await browser?.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NOT_WANTED = ['onUserLeft', 'onUserJoined', 'onCallEnded', 'onSessionTimeout'];

const WINDOW_MS = 20_000;

/** The server on the same data dir and port each time; resolves once it answers. */
async function startServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  server = await startServerProcess({
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    PARLEY_RECONNECT_GRACE_MS: String(WINDOW_MS),
    ...env,
  });
  started.push(server);
  return server;
}

const stackOf = (s: ServerProcess) => ({ url: s.url, browser }) as unknown as Stack;

async function twoInACall(
  s: ServerProcess,
  sessionId: string,
  uids: [string, string],
  settings: { defaultLayout?: boolean; defaultWindow?: boolean } = {},
): Promise<[CallPage, CallPage]> {
  const calls: CallPage[] = [];
  for (const uid of uids) {
    const call = await openCallPage(stackOf(s), uid, uid.toUpperCase());
    if (!settings.defaultWindow) {
      await call.page.evaluate((giveUpAfterMs) => {
        const { Parley } = window as any;
        Parley.ParleyCalls.init({ serverUrl: location.origin, reconnectPolicy: new Parley.BackoffReconnectPolicy({ giveUpAfterMs }) });
      }, WINDOW_MS);
    }
    await startCall(call, sessionId, { defaultLayout: settings.defaultLayout ?? false });
    calls.push(call);
  }
  for (const c of calls) await eventually(() => stats(c), (x) => x.videoFramesDecoded > 10 && x.audioPacketsReceived > 0, 20_000, `${c.uid}'s media before`);
  return calls as [CallPage, CallPage];
}

async function unwantedSince(calls: CallPage[], before: number[]): Promise<unknown[][]> {
  return Promise.all(calls.map(async (c, i) => (await events(c)).filter((e) => NOT_WANTED.includes(e.name)).slice(before[i])));
}

async function countUnwanted(calls: CallPage[]): Promise<number[]> {
  return Promise.all(calls.map(async (c) => (await events(c)).filter((e) => NOT_WANTED.includes(e.name)).length));
}

async function rest(s: ServerProcess, path: string): Promise<any> {
  const apiKey = readFileSync(join(dataDir, 'api-key'), 'utf8').trim();
  return (await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${apiKey}` } })).json();
}

async function stays(s: ServerProcess, sessionId: string): Promise<unknown[]> {
  return (await rest(s, `/v1/calls/${sessionId}`)).participants.map((p: any) => [p.uid, p.leftAt]);
}

describe('the server restarts during a two-person call', () => {
  it('kill -9, restarted 3 s later on the same data dir: media back within 10 s of it answering, no leave/join/end, mute kept, one stay each', async () => {
    const first = await startServer();
    const calls = await twoInACall(first, 'restart-e2e-1', ['ann', 'ben']);
    const [ann, ben] = calls;
    await ben.page.evaluate(() => (window as any).session.audioMuted(true));
    await ann.page.evaluate(() => (window as any).session.startRecording());
    const toggled = await eventually(() => events(ann, 'onRecordingToggled'), (e) => e.length === 1, 10_000, 'recording started');
    const recordingId = toggled[0]?.payload.recordingId as string;
    await sleep(3_000); // some recording before the kill (the live state is written meanwhile, after the answers)
    const before = await countUnwanted(calls);
    await watchMediaBack(calls);

    const killedAt = Date.now();
    await first.kill('SIGKILL');
    await sleep(3_000);
    const second = await startServer();
    const answeredAt = Date.now();
    const back = await Promise.all(calls.map((c) => mediaBackAt(c)));
    for (const [i, c] of calls.entries()) console.log(`${c.uid}: media back ${(back[i] as number) - answeredAt} ms after the server answered`);
    const backMs = Math.max(...(back as number[])) - answeredAt;
    console.log(`server kill -9 → answering again: ${answeredAt - killedAt} ms (3 s down + start); answering → media back on both pages: ${backMs} ms`);
    expect(backMs).toBeLessThan(10_000);

    expect(await unwantedSince(calls, before)).toEqual([[], []]);
    for (const c of calls) expect(await c.page.evaluate(() => (window as any).session.state)).toBe('joined');
    expect(await ann.page.evaluate(() => (window as any).session.getParticipants().find((u: any) => u.uid === 'ben').isAudioMuted)).toBe(true);
    expect(await ben.page.evaluate(() => (window as any).session.getLocalStream().getAudioTracks()[0].enabled)).toBe(false);
    expect(await stays(second, 'restart-e2e-1')).toEqual([
      ['ann', null],
      ['ben', null],
    ]);

    // The recording went on in the rebuilt session: one file from start to stop, the gap marked
    await sleep(3_000);
    await ann.page.evaluate(() => (window as any).session.stopRecording());
    const meta = await eventually(() => rest(second, `/v1/recordings/${recordingId}`), (r) => r.status === 'ready' || r.status === 'failed', 120_000, 'the recording job');
    expect(meta.status).toBe('ready');
    const durationSec = meta.durationMs / 1000;
    const spanSec = (new Date(meta.stoppedAt).getTime() - new Date(meta.startedAt).getTime()) / 1000;
    console.log(`recording across the restart: ${durationSec.toFixed(2)} s of ${spanSec.toFixed(2)} s between start and stop; gaps ${JSON.stringify(meta.gaps)}`);
    expect(Math.abs(durationSec - spanSec)).toBeLessThan(1.5);
    expect(meta.gaps).toHaveLength(1);
    const [gap] = meta.gaps as { startMs: number; endMs: number }[];
    expect(gap!.endMs - gap!.startMs).toBeGreaterThan(3_000); // the server was down 3 s and more
    for (const c of calls) await c.page.evaluate(() => (window as any).session.endSession());
  }, 150_000);

  it('left down past the reconnect window: both pages get onCallEnded server-unavailable, and the default UI says so', async () => {
    const s = server?.proc.exitCode === null ? (server as ServerProcess) : await startServer();
    const calls = await twoInACall(s, 'restart-e2e-2', ['cat', 'dan'], { defaultLayout: true, defaultWindow: true });
    await sleep(500);
    const killedAt = Date.now();
    await s.kill('SIGKILL');
    const ended = await Promise.all(calls.map((c) => eventually(() => events(c, 'onCallEnded'), (e) => e.length > 0, 20_000, `${c.uid} ended`)));
    console.log(`server down: onCallEnded after ${Date.now() - killedAt} ms`);
    for (const e of ended) expect(e.map((x) => x.payload)).toEqual([{ reason: 'server-unavailable' }]);
    for (const c of calls) {
      expect(await c.page.evaluate(() => (window as any).session.state)).toBe('ended');
      await expect.poll(() => c.page.locator('.parley-ended').textContent()).toContain('the server could not be reached');
    }
  }, 150_000);

  it('SIGTERM with a call in progress, restarted after the drain window: /readyz 503 while draining, the call goes on', async () => {
    const first = await startServer({ PARLEY_DRAIN_SECONDS: '3' });
    const calls = await twoInACall(first, 'restart-e2e-3', ['eve', 'fay']);
    await sleep(500);
    const before = await countUnwanted(calls);
    await watchMediaBack(calls);

    first.proc.kill('SIGTERM');
    await sleep(200);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(503);
    const exited = Date.now();
    // The drain window (3 s), then the hand-over and close: bounded, so a close that hangs fails here by name.
    await eventually(async () => first.proc.exitCode !== null || first.proc.signalCode !== null, (gone) => gone, 30_000, 'the drained server exiting');
    const second = await startServer();
    const answeredAt = Date.now();
    const back = await Promise.all(calls.map((c) => mediaBackAt(c)));
    const backMs = Math.max(...(back as number[])) - answeredAt;
    console.log(`drained and exited; answering again ${answeredAt - exited} ms later; answering → media back on both pages: ${backMs} ms`);
    expect(backMs).toBeLessThan(10_000);
    expect(await unwantedSince(calls, before)).toEqual([[], []]);
    expect(await stays(second, 'restart-e2e-3')).toEqual([
      ['eve', null],
      ['fay', null],
    ]);
  }, 150_000);
});
