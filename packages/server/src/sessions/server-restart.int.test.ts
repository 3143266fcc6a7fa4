/**
 * The server as a child process is killed (-9) during a call and started again
 * on the same data dir and port: the session is rebuilt from what was
 * persisted, each client resumes with its token and is told to publish again
 * (`mediaRestart: 'server-restarted'`), mute states are kept, and the call log
 * shows one unbroken stay each. A client that does not come back within the
 * window leaves with the normal reason; a session nobody returns to ends.
 * After SIGTERM and its drain window the same happens: a planned restart.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { openPglite } from '../store/database.ts';
import { sampleValue, scrape } from '../testing/metrics-scrape.ts';
import { freePort, type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { createTestDatabase } from '../testing/test-store.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { until } from '../testing/until.ts';
import { signCallToken } from '../tokens/call-token.ts';

const API_KEY = 'restart-test-api-key-0123456789abcdef';
const METRICS_TOKEN = 'restart-test-metrics-token-0123456789';
let dataDir: string;
let servers: ServerProcess[] = [];
afterEach(async () => {
  for (const s of servers) await s.kill('SIGKILL');
  servers = [];
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const startedAt = Date.now();
  const s = await startServerProcess({ DATA_DIR: dataDir, PARLEY_API_KEY: API_KEY, PORT: String(port), PARLEY_RECONNECT_GRACE_MS: '4000', ...env });
  servers.push(s);
  console.log(`server process answering after ${Date.now() - startedAt} ms`);
  return s;
}

interface InCall {
  client: TestSignalingClient;
  resumeToken: string;
}

async function joinCall(s: ServerProcess, uid: string, sessionId: string, params: Record<string, unknown> = {}): Promise<InCall> {
  const secret = new TextEncoder().encode(readFileSync(join(dataDir, 'token-secret'), 'utf8').trim());
  const { token } = await signCallToken(secret, 600, { sessionId, uid, name: uid.toUpperCase(), avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(s.url);
  const res = await client.request('join', { token, sessionId, ...params });
  if (!res.ok) throw new Error(JSON.stringify(res.error));
  return { client, resumeToken: res.result.resumeToken };
}

async function resume(s: ServerProcess, who: InCall): Promise<any> {
  const client = await TestSignalingClient.open(s.url);
  return { client, res: await client.request('resume', { resumeToken: who.resumeToken }) };
}

async function callLog(s: ServerProcess, sessionId: string): Promise<any> {
  const r = await fetch(`${s.url}/v1/calls/${sessionId}`, { headers: { authorization: `Bearer ${API_KEY}` } });
  return r.json();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Each test starts the server twice: a first start on a fresh data dir (PGlite's initdb) took up to 14 s
 * with the suite running on two cores (load 9), a restart up to 5 s; with the waits for the reconnect
 * window a test took 21 s of the default 30.
 */
const TWO_STARTS_MS = 90_000;

/** Where the servers keep their data: PGlite in the data dir, or a fresh database on TEST_DATABASE_URL's PostgreSQL. */
const DATABASES: [string, () => Promise<{ env: Record<string, string>; drop(): Promise<void> }>][] = [
  ['PGlite', async () => ({ env: {}, drop: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const database = await createTestDatabase();
      return { env: { DATABASE_URL: database.url }, drop: database.drop };
    },
  ],
];

describe('server restart during a call', () => {
  it.each(DATABASES)('after kill -9 (%s), both resume into the rebuilt session: told to publish again, mute kept, one stay each', async (_kind, database) => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-restart-'));
    const db = await database();
    onTestFinished(async () => {
      for (const s of servers) await s.kill('SIGKILL');
      await db.drop();
    });
    const port = await freePort();
    const first = await start(port, db.env);
    const ann = await joinCall(first, 'ann', 'restart-1');
    const ben = await joinCall(first, 'ben', 'restart-1', { audioMuted: true });
    await ann.client.request('mute', { videoMuted: true });
    await sleep(300); // the live state is written by observers, after the answers
    await first.kill('SIGKILL');

    const second = await start(port, db.env);
    const a = await resume(second, ann);
    const b = await resume(second, ben);
    expect(a.res.ok).toBe(true);
    expect(a.res.result.mediaRestart).toBe('server-restarted');
    expect(b.res.result.mediaRestart).toBe('server-restarted');
    expect(a.res.result.self).toMatchObject({ uid: 'ann', isVideoMuted: true, isAudioMuted: false });
    expect(a.res.result.participants).toEqual([expect.objectContaining({ uid: 'ben', name: 'BEN', isAudioMuted: true })]);
    // Nobody hears a join or a leave
    await sleep(500);
    for (const c of [a.client, b.client]) expect(c.frames.filter((f: any) => f.type === 'event' && /participant\.(joined|left)|session\.ended/.test(f.event))).toEqual([]);

    const log = await callLog(second, 'restart-1');
    expect(log.status).toBe('ongoing');
    expect(log.participants.map((p: any) => [p.uid, p.leftAt])).toEqual([
      ['ann', null],
      ['ben', null],
    ]);
    a.client.close();
    b.client.close();
  }, TWO_STARTS_MS);

  it('someone who does not come back leaves with the normal reason; a session nobody returns to ends', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-restart-'));
    const port = await freePort();
    const first = await start(port);
    const ann = await joinCall(first, 'ann', 'restart-2');
    await joinCall(first, 'ben', 'restart-2');
    await joinCall(first, 'cy', 'restart-3');
    await sleep(300);
    await first.kill('SIGKILL');

    const second = await start(port, { PARLEY_METRICS_TOKEN: METRICS_TOKEN });
    // The rebuilt sessions count as live though this process never saw them start or anyone join.
    const rebuilt = await scrape(`${second.url}/metrics`, METRICS_TOKEN);
    expect([sampleValue(rebuilt, 'parley_sessions_live'), sampleValue(rebuilt, 'parley_participants_live')]).toEqual([2, 3]);
    const a = await resume(second, ann);
    expect(a.res.ok).toBe(true);
    await until(() => a.client.events('participant.left').length === 1, 'ben left after the window', 8_000);
    expect(a.client.events('participant.left')[0].data).toMatchObject({ participant: { uid: 'ben' }, reason: 'disconnected' });
    const log2 = await callLog(second, 'restart-2');
    expect(log2.participants.map((p: any) => [p.uid, p.leaveReason])).toEqual([
      ['ann', null],
      ['ben', 'disconnected'],
    ]);
    // Its grace ends about when ben's does; the end is written by an observer, a moment later.
    let log3 = await callLog(second, 'restart-3');
    for (let i = 0; i < 50 && log3.status !== 'ended'; i++) {
      await sleep(100);
      log3 = await callLog(second, 'restart-3');
    }
    expect(log3).toMatchObject({ status: 'ended', endReason: 'call-ended' });
    expect(log3.participants.map((p: any) => [p.uid, p.leaveReason])).toEqual([['cy', 'disconnected']]);
    // Their leaves and the end bring the gauges down to what is left, never below zero.
    const after = await scrape(`${second.url}/metrics`, METRICS_TOKEN);
    expect([sampleValue(after, 'parley_sessions_live'), sampleValue(after, 'parley_participants_live')]).toEqual([1, 1]);
    a.client.close();
  }, TWO_STARTS_MS);

  it('starts with hostile rows in the live state: refuses them, rebuilds the rest, closes the refused stays', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-restart-'));
    const port = await freePort();
    const first = await start(port);
    const ann = await joinCall(first, 'ann', 'restart-5');
    const ben = await joinCall(first, 'ben', 'restart-5');
    await sleep(300);
    await first.kill('SIGKILL');
    // What a damaged or hand-edited database might hold
    const db = await openPglite(join(dataDir, 'pglite'));
    await db.query(`update live_participants set resume_token_hash = '\\x00', publications = '{"a":[[[[1]]]]}' where uid = 'ben'`);
    await db.query(`insert into live_sessions (session_id, kind, media) values ('bad-kind', 'conference', 'video'), (repeat('x', 300), 'group', 'video')`);
    await db.query(`insert into live_participants (session_id, uid, name, joined_at, feed_id, can_record, audio_muted, video_muted, audio_only,
      idle_timeout_seconds, resume_token_hash) values ('bad-kind', 'cy', 'CY', now(), -1, true, false, false, false, 0, '\\x01')`);
    await db.close();

    const second = await start(port);
    const a = await resume(second, ann);
    expect(a.res.ok).toBe(true);
    expect(a.res.result.participants).toEqual([]);
    const b = await resume(second, ben);
    expect(b.res.error.code).toBe('SESSION_ENDED');
    const log = await callLog(second, 'restart-5');
    expect(log.participants.map((p: any) => [p.uid, p.leaveReason])).toEqual([
      ['ann', null],
      ['ben', 'server-restart'],
    ]);
    a.client.close();
    b.client.close();
  }, TWO_STARTS_MS);

  it('after SIGTERM and the drain window, the restarted server carries the call on', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-restart-'));
    const port = await freePort();
    const first = await start(port, { PARLEY_DRAIN_SECONDS: '1' });
    const ann = await joinCall(first, 'ann', 'restart-4');
    await sleep(300);
    first.proc.kill('SIGTERM');
    await until(() => ann.client.events('server.draining').length === 1, 'told the server drains', 2_000);
    await new Promise<void>((done) => first.proc.once('exit', () => done()));
    // The session was handed over, not ended
    expect(ann.client.events('session.ended')).toEqual([]);

    const second = await start(port);
    const a = await resume(second, ann);
    expect(a.res.ok).toBe(true);
    expect(a.res.result.mediaRestart).toBe('server-restarted');
    expect((await callLog(second, 'restart-4')).participants.map((p: any) => [p.uid, p.leftAt])).toEqual([['ann', null]]);
    a.client.close();
  }, TWO_STARTS_MS);
});
