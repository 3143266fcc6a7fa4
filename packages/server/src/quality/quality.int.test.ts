/**
 * Call-quality samples with a real server, Janus and database: what a client
 * may send, what is kept, who is told, and who may read a call's timelines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/index.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { createTestStore } from '../testing/test-store.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { signCallToken } from '../tokens/call-token.ts';
import { QualityStore } from './quality-store.ts';

let server: TestServer;

const connection = {
  connection: 'publisher',
  bitrateInKbps: 0,
  bitrateOutKbps: 850.5,
  packetsLost: 0,
  lossPercent: 0,
  jitterMs: 1.5,
  rttMs: 2,
  videoSent: { framesPerSecond: 30, width: 640, height: 480 },
  videoReceived: null,
  qualityLimitation: 'none',
};
const sample = (sessionId: string, change: Record<string, unknown> = {}) => ({ sessionId, quality: 5, intervalMs: 5_000, connections: [connection], ...change });

async function joined(uid: string, sessionId: string): Promise<TestSignalingClient> {
  const { token } = await signCallToken(server.tokenSecret, 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(server.url);
  const res = await client.request('join', { token, sessionId });
  expect(res.ok).toBe(true);
  return client;
}

async function authTokenOf(uid: string): Promise<string> {
  const users = server.services.store.users;
  await users.create({ uid, name: uid });
  return (await users.createAuthToken(uid)).authToken;
}

const storedCount = async () => Number((await server.services.store.db.query<{ n: number }>('select count(*)::int as n from quality_samples'))[0]?.n);

async function getQuality(sessionId: string, credential: string | undefined) {
  const res = await fetch(`${server.url}/v1/calls/${encodeURIComponent(sessionId)}/quality`, {
    headers: credential ? { authorization: `Bearer ${credential}` } : {},
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  server = await startTestServer({}, { media: true });
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('a participant sending call-quality samples', () => {
  let ada: TestSignalingClient;
  let bo: TestSignalingClient;
  beforeAll(async () => {
    ada = await joined('ada', 'q-call');
    bo = await joined('bo', 'q-call');
  });
  afterAll(() => {
    ada?.close();
    bo?.close();
  });

  it('has a good sample stored, and the others told their score', async () => {
    const res = await ada.request('quality.sample', sample('q-call', { quality: 4 }));
    expect(res).toMatchObject({ ok: true, result: { stored: true } });
    expect(await storedCount()).toBe(1);
    await expect.poll(() => bo.events('participant.quality').map((f) => f.data)).toEqual([{ uid: 'ada', quality: 4 }]);
    expect(ada.events('participant.quality')).toEqual([]);
  });

  it('has bad samples refused with typed errors, and none stored', async () => {
    const before = await storedCount();
    const refusals = await Promise.all([
      ada.request('quality.sample', sample('q-call', { quality: 'excellent' })),
      ada.request('quality.sample', sample('q-call', { connections: [{ ...connection, jitterMs: '3' }] })),
      ada.request('quality.sample', sample('q-call', { connections: Array.from({ length: 1_000 }, () => connection) })),
      ada.request('quality.sample', sample('q-call', { connections: [{ ...connection, packetsLost: -1 }] })),
      ada.request('quality.sample', sample('q-call', { connections: [{ ...connection, bitrateOutKbps: Number.NaN }] })),
      ada.request('quality.sample', sample('q-call', { extra: 'field' })),
      ada.request('quality.sample', sample('someone-elses-call')),
    ]);
    expect(refusals.map((r) => r.error?.code)).toEqual([
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'FORBIDDEN',
    ]);
    expect(await storedCount()).toBe(before);
  });

  it('refuses samples from a connection that joined no session', async () => {
    const stranger = await TestSignalingClient.open(server.url);
    expect((await stranger.request('quality.sample', sample('q-call'))).error.code).toBe('NOT_JOINED');
    stranger.close();
  });
});

describe('reading a call\'s quality (GET /v1/calls/:sessionId/quality)', () => {
  let cy: TestSignalingClient;
  beforeAll(async () => {
    cy = await joined('cy', 'q-read');
    expect((await cy.request('quality.sample', sample('q-read'))).result.stored).toBe(true);
  });
  afterAll(() => cy?.close());

  it('answers the API key with each participant, their stays and their samples', async () => {
    const { status, body } = await getQuality('q-read', server.apiKey);
    expect(status).toBe(200);
    expect(body.sessionId).toBe('q-read');
    expect(body.participants).toHaveLength(1);
    const [cyQuality] = body.participants;
    expect(cyQuality).toMatchObject({ uid: 'cy', name: 'cy', stays: [{ leftAt: null }] });
    expect(cyQuality.samples).toEqual([{ at: expect.any(String), quality: 5, intervalMs: 5_000, connections: [connection] }]);
  });

  it('answers the auth token of someone who was in the call, and refuses anyone else\'s', async () => {
    expect((await getQuality('q-read', await authTokenOf('cy'))).status).toBe(200);
    const other = await getQuality('q-read', await authTokenOf('eve'));
    expect(other).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('refuses without credentials, and answers CALL_NOT_FOUND for a call that never was', async () => {
    expect((await getQuality('q-read', undefined)).status).toBe(401);
    expect(await getQuality('no-such-call', server.apiKey)).toMatchObject({ status: 404, body: { error: { code: 'CALL_NOT_FOUND' } } });
  });
});

describe('the quality store', () => {
  let store: Store;
  beforeAll(async () => {
    store = await createTestStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('purges samples received before the cutoff and keeps the rest', async () => {
    const quality = new QualityStore(store.db);
    const day = 86_400_000;
    const now = Date.now();
    for (const ageDays of [10, 8, 6, 1]) {
      await quality.add('old-call', 'ada', { receivedAt: new Date(now - ageDays * day), quality: 3, intervalMs: 5_000, connections: [] });
    }
    expect(await quality.purgeBefore(new Date(now - 7 * day))).toBe(2);
    expect((await quality.ofSession('old-call')).map((s) => Math.round((now - s.receivedAt.getTime()) / day))).toEqual([6, 1]);
  });
});
