/**
 * Issue 17.4 (process loss while the cluster runs): server processes on one
 * PostgreSQL and one Redis. When the process owning a session is killed (-9),
 * the live ones take the session over once its lease lapsed — at once when a
 * client resumes into it, or by their sweep when nobody does; two racing for
 * it, only the lease's winner rebuilds it (the other relays its client
 * there). Calls left ringing by the dead are
 * cancelled. Needs TEST_DATABASE_URL and the test network namespace
 * (scripts/in-netns.sh), like every test with a real Janus.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../defaults.ts';
import { JanusClient } from '../media/janus-client.ts';
import { startJanusNodes } from '../testing/janus-nodes.ts';
import { startTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { createTestDatabase } from '../testing/test-store.ts';
import { signCallToken } from '../tokens/call-token.ts';
import { noopLogger } from '../util/logger.ts';
import { connectRedis } from './redis-connection.ts';

const API_KEY = 'takeover-api-key-0123456789abcdef';
const TOKEN_SECRET = 'takeover-token-secret-0123456789abcdefghijklmnop';
const { sessionLeaseTtlMs, takeoverSweepMs } = DEFAULTS.cluster;
/**
 * Per case: up to three server processes started (each took up to 14 s in a full run at load 9, more at
 * 14), a lease's lapse and a sweep or two. 60 s ran out once at load 14 (run 4 of session 6).
 */
const PROCESSES_MS = 90_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

/** One PostgreSQL database and one Redis, and server processes started on them. */
async function cluster() {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  const redis: TestRedis = await startTestRedis();
  cleanups.push(() => redis.stop());
  const admin = await connectRedis(redis.url, 'test', noopLogger);
  cleanups.push(() => admin.disconnect());
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  cleanups.push(() => db.end());
  return {
    databaseUrl: database.url,
    leaseOwner: (sessionId: string) => admin.get(`${DEFAULTS.cluster.redisPrefix}lease:${sessionId}`),
    /** Who the session's live state (what a takeover rebuilds) holds: written by observers, after the join is answered. */
    async liveUids(sessionId: string): Promise<string[]> {
      const { rows } = await db.query('select uid from live_participants where session_id = $1 order by uid', [sessionId]);
      return rows.map((r: { uid: string }) => r.uid);
    },
    async start(env: Record<string, string> = {}): Promise<ServerProcess> {
      const dataDir = mkdtempSync(join(tmpdir(), 'parley-takeover-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const s = await startServerProcess({
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        PARLEY_API_KEY: API_KEY,
        PARLEY_TOKEN_SECRET: TOKEN_SECRET,
        PARLEY_RECONNECT_GRACE_MS: '20000',
        ...env,
      });
      cleanups.push(() => s.kill('SIGKILL'));
      return s;
    },
  };
}

async function joinCall(s: ServerProcess, sessionId: string, uid: string): Promise<{ client: TestSignalingClient; resumeToken: string }> {
  const { token } = await signCallToken(new TextEncoder().encode(TOKEN_SECRET), 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(s.url);
  cleanups.push(() => client.close());
  const res = await client.request('join', { token, sessionId });
  expect(res.ok).toBe(true);
  return { client, resumeToken: res.result.resumeToken };
}

async function resume(s: ServerProcess, resumeToken: string): Promise<any> {
  const client = await TestSignalingClient.open(s.url);
  cleanups.push(() => client.close());
  return client.request('resume', { resumeToken });
}

/** As the SDK does: tries again while the answer is CLUSTER_UNAVAILABLE (nobody serves the session yet), for 10 s at most. */
async function resumeRetrying(s: ServerProcess, resumeToken: string): Promise<any> {
  const until = Date.now() + 10_000;
  for (;;) {
    const res = await resume(s, resumeToken);
    if (res.ok || res.error.code !== 'CLUSTER_UNAVAILABLE' || Date.now() > until) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function callLog(s: ServerProcess, sessionId: string): Promise<any> {
  const r = await fetch(`${s.url}/v1/calls/${sessionId}`, { headers: { authorization: `Bearer ${API_KEY}` } });
  return r.json();
}

const stays = (log: any) => log.participants.map((p: any) => [p.uid, p.leftAt]);

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One shared Janus node (JANUS_URLS) for every process, and what rooms it has, as `[room, description]`, read with its admin key. */
async function sharedJanusNode() {
  const node = await startJanusNodes(1);
  cleanups.push(() => node.stop());
  const client = await JanusClient.connect(node.urls[0] as string);
  cleanups.push(() => client.close());
  const janus = await client.createSession();
  const admin = await janus.attach('janus.plugin.videoroom');
  return {
    env: { JANUS_URLS: node.urls[0] as string, JANUS_ADMIN_KEY: node.adminKey },
    async rooms(): Promise<[number, string][]> {
      const { list } = await admin.request({ request: 'list', admin_key: node.adminKey });
      return (list as { room: number; description: string }[]).map((r) => [r.room, r.description]);
    },
  };
}

describe('a process killed mid-call while others run', () => {
  it('its session is rebuilt on the process a client resumes on, as soon as its lease lapsed; one unbroken stay each', async () => {
    const c = await cluster();
    const first = await c.start();
    const second = await c.start();
    const ann = await joinCall(first, 'resumed', 'ann');
    const bob = await joinCall(first, 'resumed', 'bob');
    // Killed mid-call: once the live state (written by observers, after the answers) has both.
    await waitFor(() => c.liveUids('resumed'), (uids) => uids.length === 2, 10_000, 'the live state');
    const deadOwner = await c.leaseOwner('resumed');

    await first.kill('SIGKILL');
    const killedAt = Date.now();
    const annBack = await resumeRetrying(second, ann.resumeToken);
    const tookMs = Date.now() - killedAt;
    console.log(`ann resumed on the second process ${tookMs} ms after the kill`);
    expect(annBack.ok ? 'resumed' : annBack.error).toBe('resumed');
    expect(annBack.result.mediaRestart).toBe('server-restarted');
    expect(annBack.result.participants.map((p: any) => p.uid)).toEqual(['bob']);
    expect(tookMs).toBeLessThan(sessionLeaseTtlMs + 2_000);
    const newOwner = await c.leaseOwner('resumed');
    expect(newOwner).toEqual(expect.any(String));
    expect(newOwner).not.toBe(deadOwner);

    const bobBack = await resume(second, bob.resumeToken);
    expect(bobBack.ok).toBe(true);
    const log = await callLog(second, 'resumed');
    expect(log.status).toBe('ongoing');
    expect(stays(log)).toEqual([
      ['ann', null],
      ['bob', null],
    ]);
  }, PROCESSES_MS);

  it('a newcomer joining on another process takes the session over too, and finds the others in it', async () => {
    const c = await cluster();
    const first = await c.start();
    const second = await c.start();
    const ann = await joinCall(first, 'joined-into', 'ann');
    // The call log and the live state are written after the join is answered (observers): mid-call, not mid-join.
    await waitFor(() => c.liveUids('joined-into'), (uids) => uids.length === 1, 10_000, 'the live state');

    await first.kill('SIGKILL');
    const { token } = await signCallToken(new TextEncoder().encode(TOKEN_SECRET), 600, { sessionId: 'joined-into', uid: 'cat', name: 'cat', avatar: null, kind: 'group' });
    const cat = await TestSignalingClient.open(second.url);
    cleanups.push(() => cat.close());
    let joined = await cat.request('join', { token, sessionId: 'joined-into' });
    for (const until = Date.now() + 10_000; !joined.ok && joined.error.code === 'CLUSTER_UNAVAILABLE' && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 250));
      joined = await cat.request('join', { token, sessionId: 'joined-into' });
    }
    expect(joined.ok).toBe(true);
    // Ann is still in the call (away until her client resumes), not a stranger to a new session.
    expect(joined.result.participants.map((p: any) => p.uid)).toEqual(['ann']);
    expect((await resumeRetrying(second, ann.resumeToken)).ok).toBe(true);
    expect(stays(await callLog(second, 'joined-into'))).toEqual([
      ['ann', null],
      ['cat', null],
    ]);
  }, PROCESSES_MS);

  it('two processes asked at once: only the lease winner rebuilds the session', async () => {
    const c = await cluster();
    const first = await c.start();
    const [second, third] = await Promise.all([c.start(), c.start()]);
    const ann = await joinCall(first, 'raced', 'ann');
    const bob = await joinCall(first, 'raced', 'bob');
    await waitFor(() => c.liveUids('raced'), (uids) => uids.length === 2, 10_000, 'the live state');

    await first.kill('SIGKILL');
    // Both wait for the lease to run out, then both try to take it.
    await new Promise((r) => setTimeout(r, 2_000));
    const [annBack, bobBack] = await Promise.all([resumeRetrying(second, ann.resumeToken), resumeRetrying(third, bob.resumeToken)]);
    // Both are back: one on the winner, the other relayed to it by the loser, which rebuilt nothing.
    expect([annBack, bobBack].map((r) => (r.ok ? 'resumed' : r.error.code))).toEqual(['resumed', 'resumed']);
    expect(annBack.result.participants.map((p: any) => p.uid)).toEqual(['bob']);
    expect(bobBack.result.participants.map((p: any) => p.uid)).toEqual(['ann']);
    const owner = await c.leaseOwner('raced');
    expect(owner).toEqual(expect.any(String));
    expect(stays(await callLog(second, 'raced'))).toEqual([
      ['ann', null],
      ['bob', null],
    ]);
  }, PROCESSES_MS);

  it('a session nobody resumes is taken over by the sweep; its clients then resume at once', async () => {
    const c = await cluster();
    const first = await c.start();
    const second = await c.start();
    const ann = await joinCall(first, 'swept', 'ann');
    await waitFor(() => c.liveUids('swept'), (uids) => uids.length === 1, 10_000, 'the live state');
    const deadOwner = await c.leaseOwner('swept');

    await first.kill('SIGKILL');
    const killedAt = Date.now();
    // The lease lapses within its TTL; the sweep takes a session it found without an owner twice in a row.
    const owner = await waitFor(() => c.leaseOwner('swept'), (o) => o !== null && o !== deadOwner, sessionLeaseTtlMs + 3 * takeoverSweepMs + 2_000, 'the lease');
    console.log(`taken over by the sweep ${Date.now() - killedAt} ms after the kill`);
    expect(owner).not.toBe(deadOwner);
    const resumedAt = Date.now();
    const annBack = await resume(second, ann.resumeToken);
    expect(annBack.ok ? 'resumed' : annBack.error).toBe('resumed');
    expect(annBack.result.mediaRestart).toBe('server-restarted');
    // At once: no wait for a lease to lapse (5 s) — one request, with room for a loaded machine's slower socket and queries.
    expect(Date.now() - resumedAt).toBeLessThan(3_000);
    expect(stays(await callLog(second, 'swept'))).toEqual([['ann', null]]);
  }, PROCESSES_MS);

  it('calls left ringing, or answered and never started, by a process that died are closed', async () => {
    const c = await cluster();
    const server = await c.start({ PARLEY_RING_TIMEOUT_MS: '1000' });
    // What a process killed while ringing leaves: a call still `initiated`, and an answered one whose session never started.
    const db = new pg.Client({ connectionString: c.databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    await db.query(`insert into call_sessions (session_id, kind, status, created_at) values ('left-ringing', 'direct', 'initiated', now())`);
    await db.query(
      `insert into call_sessions (session_id, kind, status, created_at, accepted_at) values ('left-answered', 'direct', 'ongoing', now() - interval '10 minutes', now() - interval '10 minutes')`,
    );
    const status = async (id: string) => (await callLog(server, id)).status;

    const ringingWithin = 1_000 + DEFAULTS.cluster.ringingLeftMarginMs + 2 * takeoverSweepMs + 1_000;
    expect(await waitFor(() => status('left-ringing'), (s) => s !== 'initiated', ringingWithin, 'the ringing call')).toBe('cancelled');
    expect(await waitFor(() => status('left-answered'), (s) => s !== 'ongoing', 3 * takeoverSweepMs + 1_000, 'the answered call')).toBe('ended');
    expect(await c.leaseOwner('left-answered')).toBeNull();
  }, PROCESSES_MS);

  it('the dead process\'s room on a shared Janus node is destroyed when its session is taken over: the node has only the new one', async () => {
    const c = await cluster();
    const node = await sharedJanusNode();
    const first = await c.start(node.env);
    const second = await c.start(node.env);
    const ann = await joinCall(first, 'moved-room', 'ann');
    // The live state is written after the join is answered.
    await waitFor(() => c.liveUids('moved-room'), (uids) => uids.length === 1, 10_000, 'the live state');
    const [[oldRoom]] = (await node.rooms()) as [[number, string]];
    expect(await node.rooms()).toEqual([[oldRoom, 'moved-room']]);

    await first.kill('SIGKILL');
    const annBack = await resumeRetrying(second, ann.resumeToken);
    expect(annBack.ok ? 'resumed' : annBack.error).toBe('resumed');
    const rooms = await node.rooms();
    expect(rooms).toEqual([[expect.any(Number), 'moved-room']]);
    expect(rooms[0]?.[0]).not.toBe(oldRoom);
  }, PROCESSES_MS);

  it('the dead process\'s room on a shared Janus node is destroyed when its session is closed rather than rebuilt', async () => {
    const c = await cluster();
    const node = await sharedJanusNode();
    const first = await c.start(node.env);
    await c.start(node.env);
    await joinCall(first, 'closed-room', 'ann');
    // The live state is written after the join is answered.
    await waitFor(() => c.liveUids('closed-room'), (uids) => uids.length === 1, 10_000, 'the live state');
    expect((await node.rooms()).map(([, d]) => d)).toEqual(['closed-room']);

    await first.kill('SIGKILL');
    // Nobody left to come back in the live state: the sweep closes the session rather than rebuild it.
    const db = new pg.Client({ connectionString: c.databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    await db.query(`delete from live_participants where session_id = 'closed-room'`);
    await waitFor(() => node.rooms(), (rooms) => rooms.length === 0, sessionLeaseTtlMs + 3 * takeoverSweepMs + 2_000, 'the rooms on the node');
  }, PROCESSES_MS);

  it('a session left recording that is closed rather than rebuilt has its recording finished as cut short', async () => {
    const c = await cluster();
    const server = await c.start();
    // What a process killed while recording leaves, with nobody in the session to come back: it is closed, not rebuilt.
    const db = new pg.Client({ connectionString: c.databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    const rawDir = mkdtempSync(join(tmpdir(), 'parley-cut-short-'));
    cleanups.push(() => rmSync(rawDir, { recursive: true, force: true }));
    await db.query(`insert into call_sessions (session_id, kind, status, created_at, started_at) values ('left-recording', 'group', 'ongoing', now(), now())`);
    await db.query(`insert into recordings (id, session_id, status, started_by, started_by_name, started_at, raw_dir) values ('00000000-0000-4000-8000-00000000c075', 'left-recording', 'recording', 'ann', 'Ann', now(), $1)`, [rawDir]);
    await db.query(`insert into live_sessions (session_id, kind, media, recording_id, recording_dir) values ('left-recording', 'group', 'video', '00000000-0000-4000-8000-00000000c075', $1)`, [rawDir]);
    const recording = async () => (await db.query(`select status, error from recordings where id = '00000000-0000-4000-8000-00000000c075'`)).rows[0];

    const finished = await waitFor(recording, (r) => r.status !== 'recording', 3 * takeoverSweepMs + 2_000, 'the recording');
    // No media was written before the kill: failed with the restart's reason, as a restart would.
    expect(finished).toEqual({ status: 'failed', error: 'The server stopped while recording and no media had been written' });
    expect((await callLog(server, 'left-recording')).status).toBe('ended');
  }, PROCESSES_MS);
});
