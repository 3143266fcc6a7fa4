/**
 * A recording job on Janus-style raw files made without a browser
 * (mjr-fixture.ts), with the real janus-pp-rec, ffmpeg and ffprobe.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../store/database.ts';
import { type Store, storeOn } from '../store/index.ts';
import { writeMjr } from './mjr-fixture.ts';
import { probe, RecordingJob } from './recording-job.ts';
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

async function recordingWith(id: string, startedAt: number, stoppedAt: number, streams: Array<{ name: string; kind: 'audio' | 'video'; at: number; seconds: number }>) {
  const rawDir = join(dir, 'raw', id);
  mkdirSync(rawDir, { recursive: true });
  await Promise.all(streams.map((s) => writeMjr({ file: join(rawDir, `${s.name}.mjr`), kind: s.kind, startMs: startedAt + s.at * 1000, seconds: s.seconds })));
  await recordings.create({ id, sessionId: 's-job', startedBy: { uid: 'ann', name: 'Ann' }, startedAt: new Date(startedAt), rawDir });
  await recordings.stopped(id, new Date(stoppedAt));
  return (await recordings.get(id))!;
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
