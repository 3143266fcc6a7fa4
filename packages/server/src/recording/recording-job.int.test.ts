/**
 * A recording job on Janus-style raw files made without a browser
 * (mjr-fixture.ts), with the real janus-pp-rec, ffmpeg and ffprobe.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainEvents, type SessionView } from '../sessions/domain-events.ts';
import { openPglite } from '../store/database.ts';
import { type Store, storeOn } from '../store/index.ts';
import { writeMjr } from './mjr-fixture.ts';
import { probe, RecordingJob } from './recording-job.ts';
import { RecordingService } from './recording-service.ts';
import { RecordingsStore } from './recordings-store.ts';

let dir: string;
let store: Store;
let recordings: RecordingsStore;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-recjob-'));
  store = await storeOn(await openPglite(undefined));
  recordings = new RecordingsStore(store.db);
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function recordingWith(
  id: string,
  startedAt: number,
  stoppedAt: number,
  streams: Array<{ name: string; kind: 'audio' | 'video'; at: number; seconds: number; sizes?: string[] }>,
) {
  const rawDir = join(dir, 'raw', id);
  mkdirSync(rawDir, { recursive: true });
  await Promise.all(
    streams.map((s) =>
      writeMjr({ file: join(rawDir, `${s.name}.mjr`), kind: s.kind, startMs: startedAt + s.at * 1000, seconds: s.seconds, ...(s.sizes ? { sizes: s.sizes } : {}) }),
    ),
  );
  await recordings.create({ id, sessionId: 's-job', startedBy: { uid: 'ann', name: 'Ann' }, startedAt: new Date(startedAt), rawDir });
  await recordings.stopped(id, new Date(stoppedAt));
  return (await recordings.get(id))!;
}

/** How much a region of the frame at `t` s differs from black: |Y-16| + |U-128| + |V-128| plus Y's spread (YHIGH-YLOW). */
function tile(file: string, t: number, r: { x: number; y: number; w: number; h: number }): { detail: number } {
  const out = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-vf', `select='gte(t,${t})',crop=${r.w}:${r.h}:${r.x}:${r.y},signalstats,metadata=print:file=-`, '-frames:v', '1', '-an', '-f', 'null', '-'],
    { encoding: 'utf8' },
  );
  const v = (k: string) => Number(new RegExp(`signalstats\\.${k}=([\\d.]+)`).exec(out)?.[1] ?? Number.NaN);
  return { detail: Math.abs(v('YAVG') - 16) + Math.abs(v('UAVG') - 128) + Math.abs(v('VAVG') - 128) + (v('YHIGH') - v('YLOW')) };
}

describe('a recording job', () => {
  it('lays two people out side by side, one of them there only for a while, and mixes their audio', async () => {
    const t0 = Date.now() - 60_000;
    const row = await recordingWith('00000000-0000-4000-8000-000000000001', t0, t0 + 6_000, [
      { name: 'videoroom-9-user-1-1-video-1', kind: 'video', at: 0.1, seconds: 5.8 },
      { name: 'videoroom-9-user-1-1-audio-0', kind: 'audio', at: 0.1, seconds: 5.8 },
      { name: 'feed-2-abc-2-video-1', kind: 'video', at: 2, seconds: 2 },
      { name: 'feed-2-abc-2-audio-0', kind: 'audio', at: 2, seconds: 2 },
    ]);
    const seen: number[] = [];
    const timer = setInterval(async () => seen.push((await recordings.get(row.id))?.progress ?? 0), 100);
    await new RecordingJob(row, { store: recordings, outputDir: dir, log }).run();
    clearInterval(timer);

    const done = (await recordings.get(row.id))!;
    expect(done.error ?? '').toBe('');
    expect(done.status).toBe('ready');
    expect(done.progress).toBe(1);
    expect(done.mimeType).toBe('video/webm');
    expect([done.width, done.height]).toEqual([1280, 720]);
    const p = await probe(done.filePath!);
    expect(p.video).toEqual({ width: 1280, height: 720 });
    expect(p.audio).toBe(true);
    expect(Math.abs(p.durationSec - 6)).toBeLessThan(1);
    expect(done.sizeBytes).toBeGreaterThan(10_000);
    expect(existsSync(row.rawDir)).toBe(false); // verified, so the raw files went
  }, 60_000);

  it('keeps showing a camera that changes resolution and shape, in its place on the timeline', async () => {
    const t0 = Date.now() - 60_000;
    // 320x180 → 640x360 → portrait 360x640, 2 s each, starting 1 s in: the picture must be there all along
    const row = await recordingWith('00000000-0000-4000-8000-000000000004', t0, t0 + 8_000, [
      { name: 'videoroom-9-user-1-1-video-1', kind: 'video', at: 1, seconds: 6, sizes: ['320x180', '640x360', '360x640'] },
      { name: 'videoroom-9-user-1-1-audio-0', kind: 'audio', at: 0, seconds: 8 },
    ]);
    await new RecordingJob(row, { store: recordings, outputDir: dir, log }).run();
    const done = (await recordings.get(row.id))!;
    expect(done.error ?? '').toBe('');
    const file = done.filePath!;
    const whole = { x: 0, y: 0, w: 1280, h: 720 };
    expect(tile(file, 0.5, whole).detail).toBeLessThan(3); // before the camera: black
    for (const t of [1.5, 2.5, 3.5, 4.5, 6.5]) expect(tile(file, t, whole).detail, `picture at ${t} s`).toBeGreaterThan(20);
    expect(tile(file, 7.6, whole).detail).toBeLessThan(3); // after it: black
    // the portrait part is pillarboxed: black at the sides, picture in the middle
    expect(tile(file, 6.5, { x: 0, y: 0, w: 300, h: 720 }).detail).toBeLessThan(3);
    expect(tile(file, 6.5, { x: 540, y: 0, w: 200, h: 720 }).detail).toBeGreaterThan(20);
  }, 60_000);

  it('makes an audio-only file from an audio-only call', async () => {
    const t0 = Date.now() - 60_000;
    const row = await recordingWith('00000000-0000-4000-8000-000000000002', t0, t0 + 3_000, [
      { name: 'videoroom-9-user-1-1-audio-0', kind: 'audio', at: 0, seconds: 3 },
      { name: 'videoroom-9-user-2-1-audio-0', kind: 'audio', at: 1, seconds: 2 },
    ]);
    await new RecordingJob(row, { store: recordings, outputDir: dir, log }).run();
    const done = (await recordings.get(row.id))!;
    expect(done.status).toBe('ready');
    expect(done.mimeType).toBe('audio/webm');
    const p = await probe(done.filePath!);
    expect(p.video).toBeNull();
    expect(p.audio).toBe(true);
    expect(Math.abs(p.durationSec - 3)).toBeLessThan(1);
  }, 60_000);

  it('fails with a reason, keeping the raw folder, when nothing usable was recorded', async () => {
    const id = '00000000-0000-4000-8000-000000000003';
    const rawDir = join(dir, 'raw', id);
    mkdirSync(rawDir, { recursive: true });
    await recordings.create({ id, sessionId: 's-job', startedBy: { uid: 'ann', name: 'Ann' }, startedAt: new Date(), rawDir });
    await recordings.stopped(id, new Date());
    await new RecordingJob((await recordings.get(id))!, { store: recordings, outputDir: dir, log }).run();
    const done = (await recordings.get(id))!;
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/No media was recorded/);
  });
});

describe('the recordings of live sessions', () => {
  it('writes a row when a session starts recording, queues the job when it stops, and says recording.ready once the file is made', async () => {
    const events = new DomainEvents(() => {});
    const ready: Array<{ sessionId: string; recordingId: string }> = [];
    events.on('recording.ready', (e) => ready.push(e));
    const service = new RecordingService({ store: recordings, dataDir: join(dir, 'service'), concurrency: 1, log, events });
    const { id, dir: rawDir } = service.newTarget();
    const t0 = Date.now() - 60_000;
    await writeMjr({ file: join(rawDir, 'videoroom-9-user-1-1-audio-0.mjr'), kind: 'audio', startMs: t0, seconds: 2 });
    const session = { sessionId: 's-live' } as SessionView;

    await service.started({ session, recordingId: id, by: { uid: 'ann', name: 'Ann' }, startedAt: new Date(t0), rawDir });
    expect((await recordings.get(id))?.status).toBe('recording');
    await service.stopped({ session, recordingId: id, by: null, stoppedAt: new Date(t0 + 2_000) });
    await service.queue.idle();

    expect((await recordings.get(id))?.status).toBe('ready');
    expect(ready).toEqual([{ sessionId: 's-live', recordingId: id }]);
    await service.close();
  }, 60_000);
});
