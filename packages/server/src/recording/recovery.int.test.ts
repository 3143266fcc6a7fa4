/**
 * A server SIGKILLed while a recording job runs: after a restart the
 * recording reaches `ready` (or `failed` with a reason), never stays
 * `processing`. The server runs as a child process (`tsx src/main.ts`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { openStore } from '../store/index.ts';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { writeMjr } from './mjr-fixture.ts';
import { RecordingsStore } from './recordings-store.ts';

const API_KEY = 'pk_recovery_test_0123456789abcdef';
const RESUMED = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const NO_RAW_PROCESSING = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const NO_RAW_RECORDING = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';

let dataDir: string;
let child: ServerProcess | undefined;

function startChild(): Promise<ServerProcess> {
  return startServerProcess({ DATA_DIR: dataDir, PARLEY_API_KEY: API_KEY });
}

async function recording(url: string, id: string): Promise<any> {
  const r = await fetch(`${url}/v1/recordings/${id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
  return r.json();
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}

function ffmpegChildrenOf(pid: number): string {
  try {
    // setpriv execs ffmpeg in place, so ffmpeg is a direct child of the server.
    return execFileSync('sh', ['-c', `ps -o args= --ppid ${pid} | grep -c '^/usr/bin/ffmpeg\\|^ffmpeg' || true`], { encoding: 'utf8' }).trim();
  } catch {
    return '0';
  }
}

/** Any process whose command line names the data dir (ffmpeg's inputs, Janus's config folder). */
function processesUsing(dir: string): string {
  return execFileSync('sh', ['-c', `pgrep -af '${dir}' | grep -v pgrep || true`], { encoding: 'utf8' }).trim();
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-recovery-'));
  // What a server would have left: rows in the database and Janus's raw files on disk.
  const store = await openStore(loadConfig({ DATA_DIR: dataDir }));
  const recordings = new RecordingsStore(store.db);
  const t0 = Date.now() - 120_000;
  const rawDir = join(dataDir, 'recordings', 'raw', RESUMED);
  mkdirSync(rawDir, { recursive: true });
  // Long enough (30 s at 1280x720) that the job is still encoding when the server is killed.
  await Promise.all([
    writeMjr({ file: join(rawDir, 'videoroom-1-user-1-1-video-1.mjr'), kind: 'video', startMs: t0, seconds: 30, speed: 8 }),
    writeMjr({ file: join(rawDir, 'videoroom-1-user-1-1-audio-0.mjr'), kind: 'audio', startMs: t0, seconds: 30, speed: 8 }),
    writeMjr({ file: join(rawDir, 'videoroom-1-user-2-1-video-1.mjr'), kind: 'video', startMs: t0 + 5_000, seconds: 20, speed: 8 }),
  ]);
  const who = { uid: 'ann', name: 'Ann' };
  await recordings.create({ id: RESUMED, sessionId: 'crash', startedBy: who, startedAt: new Date(t0), rawDir });
  await recordings.stopped(RESUMED, new Date(t0 + 30_000));
  await recordings.create({ id: NO_RAW_PROCESSING, sessionId: 'crash', startedBy: who, startedAt: new Date(t0), rawDir: join(dataDir, 'gone-1') });
  await recordings.stopped(NO_RAW_PROCESSING, new Date(t0 + 1_000));
  await recordings.create({ id: NO_RAW_RECORDING, sessionId: 'crash', startedBy: who, startedAt: new Date(t0), rawDir: join(dataDir, 'gone-2') });
  await store.close();
}, 120_000);

afterAll(() => {
  void child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a server killed while a recording job runs', () => {
  it('picks the job up after a restart and the recording reaches ready', async () => {
    const first = await startChild();
    child = first;
    // The first server resumes the job it found; kill it in the middle of encoding.
    await until(() => recording(first.url, RESUMED), (r) => r.status === 'processing' && r.progress > 0.1, 60_000, 'the job to be encoding');
    expect(Number(ffmpegChildrenOf(first.proc.pid as number))).toBeGreaterThan(0);
    await first.kill('SIGKILL');

    // The kernel took the server's encoder and Janus with it (setpriv --pdeathsig).
    await until(async () => processesUsing(dataDir), (list) => list === '', 5_000, 'ffmpeg and Janus to die');
    const second = await startChild();
    child = second;
    const done = await until(() => recording(second.url, RESUMED), (r) => r.status !== 'processing', 90_000, 'the job to finish');
    expect(done).toMatchObject({ status: 'ready', progress: 1, mimeType: 'video/webm', width: 1280, height: 720, error: null });
    expect(Math.abs(done.durationMs - 30_000)).toBeLessThan(1_000);

    // Rows whose raw files are gone do not wait forever: they fail with the reason.
    const lost = await recording(second.url, NO_RAW_PROCESSING);
    expect(lost.status).toBe('failed');
    expect(lost.error).toMatch(/raw files are gone/);
    const never = await recording(second.url, NO_RAW_RECORDING);
    expect(never.status).toBe('failed');
    expect(never.error).toMatch(/stopped while recording/);

    await second.kill('SIGTERM');
  }, 240_000);
});
