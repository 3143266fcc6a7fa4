/**
 * Any process takes any client (issue 17.2) over real Redis and PostgreSQL:
 * two server processes (each with its Janus), plain signaling clients. Ann's
 * socket is on process 1, which owns the session; Bob's on process 2, relayed
 * there. Then ringing between a user on each. Needs TEST_DATABASE_URL and runs
 * inside the test network namespace (scripts/in-netns.sh), like every test
 * with a real Janus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../defaults.ts';
import { startClusterProcesses } from '../testing/cluster-processes.ts';
import type { ServerProcess } from '../testing/server-process.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { noopLogger } from '../util/logger.ts';
import { connectRedis } from './redis-connection.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
let one: ServerProcess;
let two: ServerProcess;
let redisUrl: string;

beforeAll(async () => {
  const c = await startClusterProcesses({
    PARLEY_API_KEY: 'relay-test-api-key-0123456789abcdef',
    PARLEY_TOKEN_SECRET: 'relay-test-token-secret-0123456789abcdefghijklmn',
    HOST: '127.0.0.1',
    PARLEY_TURN: 'off',
    PARLEY_RECONNECT_GRACE_MS: '5000',
    LOG_LEVEL: 'warn',
  });
  cleanups.push(() => c.close());
  redisUrl = c.redisUrl;
  one = await c.start();
  two = await c.start();
}, 120_000);
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function post(url: string, body: unknown, bearer?: string): Promise<any> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) }, body: JSON.stringify(body) });
  expect(r.status).toBe(200);
  return r.json();
}

/** A user's auth token (the development login) and, for `sessionId`, a call token. */
async function user(uid: string, sessionId?: string): Promise<{ authToken: string; token: string }> {
  const { authToken } = await post(`${one.url}/v1/dev/login`, { uid, name: uid.toUpperCase() });
  const token = sessionId ? (await post(`${one.url}/v1/calls/tokens`, { sessionId }, authToken)).token : '';
  return { authToken, token };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

const opened: TestSignalingClient[] = [];
async function socketTo(server: ServerProcess): Promise<TestSignalingClient> {
  const client = await TestSignalingClient.open(server.url);
  opened.push(client);
  return client;
}
afterAll(() => {
  for (const c of opened) c.close();
});

describe('two processes over Redis: a session owned by process 1', () => {
  it('takes a client of process 2, whose requests and events go through the owner, and who resumes on either process', async () => {
    const ann = await socketTo(one);
    const annJoined = await ann.request('join', { sessionId: 'relay-int', token: (await user('ann', 'relay-int')).token });
    expect(annJoined.ok).toBe(true);

    const bob = await socketTo(two);
    const bobJoined = await bob.request('join', { sessionId: 'relay-int', token: (await user('bob', 'relay-int')).token });
    expect(bobJoined.ok).toBe(true);
    expect(bobJoined.result.participants.map((p: { uid: string }) => p.uid)).toEqual(['ann']);
    await until(() => ann.events('participant.joined').length === 1, 'ann told bob joined');

    await bob.request('mute', { audioMuted: true });
    await until(() => ann.events('participant.muted').length === 1, 'ann told bob muted');
    await ann.request('mute', { videoMuted: true });
    await until(() => bob.events('participant.muted').length === 1, 'bob told ann muted');

    // Bob's socket drops; he resumes on process 2 again, then on process 1 (the owner itself).
    bob.close();
    const back = await socketTo(two);
    const resumed = await back.request('resume', { resumeToken: bobJoined.result.resumeToken });
    expect(resumed.ok).toBe(true);
    back.close();
    const onOwner = await socketTo(one);
    expect((await onOwner.request('resume', { resumeToken: bobJoined.result.resumeToken })).ok).toBe(true);
    expect(ann.events('participant.left')).toEqual([]);

    await onOwner.request('leave', {});
    await until(() => ann.events('participant.left').length === 1, 'ann told bob left');
  }, 60_000);
});

describe("two processes over Redis: a session's broadcast to clients relayed from one process", () => {
  it('is published once for that process, which hands it to each of them', async () => {
    // Every message to a process's topic, as Redis carries it.
    const listener = await connectRedis(redisUrl, 'test', noopLogger);
    cleanups.push(() => listener.quit());
    const toProcesses: { type: string; payload: { event?: string; connectionIds?: string[] } }[] = [];
    listener.on('pmessage', (_pattern, _channel, text: string) => toProcesses.push(JSON.parse(text)));
    await listener.psubscribe(`${DEFAULTS.cluster.redisPrefix}process:*`);

    const ann = await socketTo(one);
    await ann.request('join', { sessionId: 'relay-broadcast', token: (await user('ann', 'relay-broadcast')).token });
    const relayed: TestSignalingClient[] = [];
    for (const uid of ['bob', 'cat', 'dan']) {
      const client = await socketTo(two);
      expect((await client.request('join', { sessionId: 'relay-broadcast', token: (await user(uid, 'relay-broadcast')).token })).ok).toBe(true);
      relayed.push(client);
    }

    await ann.request('mute', { audioMuted: true });
    for (const client of relayed) await until(() => client.events('participant.muted').length === 1, 'each relayed client told ann muted');

    const muted = toProcesses.filter((m) => m.type === 'client.event' && m.payload.event === 'participant.muted');
    expect(muted).toHaveLength(1);
    expect(muted[0]?.payload.connectionIds).toHaveLength(3);
  }, 60_000);
});

describe('two processes over Redis: ringing', () => {
  it('rings a user on process 2 from process 1; accepted and ended from process 2, the call log has it', async () => {
    const carol = await socketTo(one);
    const dave = await socketTo(two);
    const [carolUser, daveUser] = [await user('carol'), await user('dave')];
    await carol.request('user.login', { authToken: carolUser.authToken });
    await dave.request('user.login', { authToken: daveUser.authToken });

    const initiated = await carol.request('call.initiate', { receiverUid: 'dave', type: 'audio' });
    const sessionId = initiated.result.call.sessionId;
    await until(() => dave.events('call.incoming').length === 1, 'dave rung');
    expect((await dave.request('call.accept', { sessionId })).result.call.status).toBe('ongoing');
    await until(() => carol.events('call.accepted').length === 1, 'carol told dave accepted');
    expect((await dave.request('call.end', { sessionId })).result.call.status).toBe('ended');
    await until(() => carol.events('call.ended').length === 1, 'carol told dave ended it');

    const log = await fetch(`${two.url}/v1/calls/${sessionId}`, { headers: { authorization: 'Bearer relay-test-api-key-0123456789abcdef' } }).then((r) => r.json());
    expect(log).toMatchObject({ status: 'ended', initiator: { uid: 'carol' }, receiver: { uid: 'dave' } });
  }, 60_000);
});
