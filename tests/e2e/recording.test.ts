/**
 * Recording through the real stack: the SDK in Chromium starts and stops it,
 * Janus records, the server's job makes the file, and ffprobe/ffmpeg check
 * what is in it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, events, openCallPage, type Stack, startCall, startStack, stats } from './harness.ts';

let stack: Stack;
let tmp: string;

beforeAll(async () => {
  stack = await startStack();
  tmp = process.env.E2E_KEEP_RECORDINGS ?? mkdtempSync(join(tmpdir(), 'parley-e2e-rec-'));
});
afterAll(async () => {
  await stack?.close();
  if (!process.env.E2E_KEEP_RECORDINGS) rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function enter(uid: string, sessionId: string, settings: Parameters<typeof startCall>[2] = {}): Promise<CallPage> {
  const call = await openCallPage(stack, uid, uid.toUpperCase());
  await startCall(call, sessionId, settings);
  return call;
}

async function leave(call: CallPage): Promise<void> {
  await call.page.evaluate(() => (window as any).session.endSession());
  await call.context.close();
}

const mediaUp = (call: CallPage, video: number) =>
  eventually(() => stats(call), (s) => s.inboundVideoStreams >= video && s.audioPacketsReceived > 0, 20_000, `${call.uid} receiving media`);

const toggles = async (call: CallPage) => (await events(call, 'onRecordingToggled')).map((e) => e.payload);

async function rest(path: string): Promise<any> {
  const r = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${stack.server.apiKey}` } });
  return r.json();
}

/** Waits for the recording's job, downloads the file, and returns its metadata and local path. */
async function finished(recordingId: string): Promise<{ meta: any; file: string }> {
  const meta = await eventually(() => rest(`/v1/recordings/${recordingId}`), (r) => r.status === 'ready' || r.status === 'failed', 90_000, 'the recording job');
  expect(meta.error).toBeNull();
  expect(meta.status).toBe('ready');
  const body = await fetch(`${stack.url}${meta.fileUrl}`, { headers: { authorization: `Bearer ${stack.server.apiKey}` } });
  const file = join(tmp, `${recordingId}.webm`);
  writeFileSync(file, Buffer.from(await body.arrayBuffer()));
  return { meta, file };
}

function probe(file: string): { durationSec: number; video?: { width: number; height: number }; audio: boolean } {
  const out = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height', '-of', 'json', file], { encoding: 'utf8' }),
  );
  const video = out.streams.find((s: any) => s.codec_type === 'video');
  return { durationSec: Number(out.format.duration), audio: out.streams.some((s: any) => s.codec_type === 'audio'), ...(video ? { video: { width: video.width, height: video.height } } : {}) };
}

type Region = { x: number; y: number; w: number; h: number };

/**
 * How far a region of each frame is from black (Y 16, U and V 128), from
 * ffmpeg's signalstats averages: about 0 for a black tile, tens or more for a
 * picture. One decode per region; `at(t)` is the first frame at or after t.
 */
function tileSeries(file: string, r: Region): { at(t: number): number } {
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `crop=${r.w}:${r.h}:${r.x}:${r.y},signalstats,metadata=print:file=-`, '-an', '-f', 'null', '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const frames = out
    .split(/^frame:/m)
    .slice(1)
    .map((block) => {
      const num = (k: string) => Number(new RegExp(`${k}[=:]([\\d.]+)`).exec(block)?.[1] ?? Number.NaN);
      return { t: num('pts_time'), activity: Math.abs(num('YAVG') - 16) + Math.abs(num('UAVG') - 128) + Math.abs(num('VAVG') - 128) };
    });
  return {
    at: (t) => (frames.find((f) => f.t >= t) ?? frames[frames.length - 1])?.activity ?? Number.NaN,
  };
}

const PICTURE = 10;
const BLACK = 3;

/** Sample times every 0.25 s from `from` to `to` (both inside the file). */
function times(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t <= to + 1e-9; t += 0.25) out.push(Number(t.toFixed(2)));
  return out;
}

/** Checks that a tile shows a picture at every time in `shown` and is black at every time in `black`. */
function expectTile(file: string, who: string, r: Region, shown: number[], black: number[]): void {
  const series = tileSeries(file, r);
  const wrongShown = shown.filter((t) => !(series.at(t) > PICTURE)).map((t) => `${t}s:${series.at(t).toFixed(1)}`);
  const wrongBlack = black.filter((t) => !(series.at(t) < BLACK)).map((t) => `${t}s:${series.at(t).toFixed(1)}`);
  expect(wrongShown, `${who}'s tile black (or missing) while ${who} was there`).toEqual([]);
  expect(wrongBlack, `${who}'s tile not black while ${who} was not there`).toEqual([]);
}

const spanSec = (meta: any) => (Date.parse(meta.stoppedAt) - Date.parse(meta.startedAt)) / 1000;

describe('recording a video call', () => {
  it('is started by one, stopped by the other, both are told, and the file has the grid, the audio and the length', async () => {
    const alice = await enter('alice', 'rec-video');
    const bob = await enter('bob', 'rec-video');
    await mediaUp(alice, 1);
    await mediaUp(bob, 1);

    await alice.page.evaluate(() => (window as any).session.startRecording());
    await eventually(() => toggles(bob), (t) => t.length === 1, 5_000, 'bob told of the start');
    expect(await bob.page.evaluate(() => (window as any).session.isRecording)).toBe(true);
    await sleep(6_000);
    await bob.page.evaluate(() => (window as any).session.stopRecording());
    for (const call of [alice, bob]) {
      const t = await eventually(() => toggles(call), (list) => list.length === 2, 5_000, `${call.uid} told of the stop`);
      expect(t.map((x) => [x.recording, x.by.uid])).toEqual([
        [true, 'alice'],
        [false, 'bob'],
      ]);
      expect(t[0].by.name).toBe('ALICE');
    }
    const recordingId = (await toggles(alice))[0].recordingId;

    const { meta, file } = await finished(recordingId);
    const p = probe(file);
    expect(p.video).toEqual({ width: 1280, height: 720 });
    expect(p.audio).toBe(true);
    expect(Math.abs(p.durationSec - spanSec(meta))).toBeLessThan(1);
    expect(spanSec(meta)).toBeGreaterThan(5.5);
    expect(meta).toMatchObject({ startedBy: { uid: 'alice' }, mimeType: 'video/webm', width: 1280, height: 720 });
    // both people are in it, side by side, from shortly after the start (their first key frame) to the end
    const whole = times(1.5, p.durationSec - 0.4);
    expectTile(file, 'alice', { x: 0, y: 0, w: 640, h: 720 }, whole, []);
    expectTile(file, 'bob', { x: 640, y: 0, w: 640, h: 720 }, whole, []);

    await leave(alice);
    await leave(bob);
  }, 150_000);

  it('has someone who left mid-recording and someone who joined mid-recording for the time each was there', async () => {
    const ann = await enter('ann', 'rec-churn');
    const ben = await enter('ben', 'rec-churn');
    await mediaUp(ann, 1);
    await mediaUp(ben, 1);
    await ann.page.evaluate(() => (window as any).session.startRecording());
    await sleep(3_500);
    const benLeaving = Date.now();
    await leave(ben);
    const benGone = Date.now();
    await sleep(1_000);
    const catEntering = Date.now();
    const cat = await enter('cat', 'rec-churn');
    expect(await cat.page.evaluate(() => (window as any).session.isRecording)).toBe(true); // joiners learn the state
    await mediaUp(cat, 1);
    const catUp = Date.now();
    await sleep(3_500);
    await ann.page.evaluate(() => (window as any).session.stopRecording());
    await eventually(() => toggles(cat), (t) => t.some((x) => x.recording === false), 5_000, 'cat told of the stop');
    const recordingId = (await toggles(ann))[0].recordingId;

    const { meta, file } = await finished(recordingId);
    const p = probe(file);
    expect(p.video).toEqual({ width: 1280, height: 720 });
    expect(Math.abs(p.durationSec - spanSec(meta))).toBeLessThan(1);
    // Seconds into the file of what the test did (same machine, same clock as the server's startedAt).
    const at = (ms: number) => (ms - Date.parse(meta.startedAt)) / 1000;
    const end = p.durationSec - 0.4;
    // Three publishers: a 2x2 grid, ann and ben on top, cat centred below.
    // Each is sampled every 0.25 s: a picture while there (after their first
    // key frame), black while not (with a margin for the leave/join to take effect).
    expectTile(file, 'ann', { x: 0, y: 0, w: 640, h: 360 }, times(1.5, end), []);
    expectTile(file, 'ben', { x: 640, y: 0, w: 640, h: 360 }, times(1.5, at(benLeaving) - 0.3), times(at(benGone) + 0.7, end));
    expectTile(file, 'cat', { x: 320, y: 360, w: 640, h: 360 }, times(at(catUp) + 1, end), times(0, at(catEntering)));

    await leave(ann);
    await leave(cat);
  }, 150_000);
});

describe('recording an audio-only call', () => {
  it('gives an audio-only file', async () => {
    const dan = await enter('dan', 'rec-audio', { audioOnly: true });
    const eve = await enter('eve', 'rec-audio', { audioOnly: true });
    await mediaUp(dan, 0);
    await mediaUp(eve, 0);
    await eve.page.evaluate(() => (window as any).session.startRecording());
    await sleep(3_000);
    await dan.page.evaluate(() => (window as any).session.stopRecording());
    const recordingId = (await eventually(() => toggles(dan), (t) => t.length === 2, 5_000, 'dan told of the stop'))[0].recordingId;

    const { meta, file } = await finished(recordingId);
    expect(meta.mimeType).toBe('audio/webm');
    const p = probe(file);
    expect(p.video).toBeUndefined();
    expect(p.audio).toBe(true);
    expect(Math.abs(p.durationSec - spanSec(meta))).toBeLessThan(1);

    await leave(dan);
    await leave(eve);
  }, 120_000);
});
