/**
 * The ringing flow over user channels on /v1/ws, and the call log it leaves,
 * with a real server (Janus, signaling, PGlite) driven by plain clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, errorOf, startTestServer, type TestServer } from '../testing/test-server.ts';
import { signCallToken } from '../tokens/call-token.ts';

let server: TestServer;
let http: ReturnType<typeof api>;
const tokens: Record<string, string> = {};

/** A signaling client that keeps every frame it gets. */
class Client {
  readonly frames: any[] = [];
  #next = 0;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.frames.push(JSON.parse(d.toString())));
  }
  static async open(): Promise<Client> {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/ws`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new Client(ws);
  }
  /** A user channel for `uid`. */
  static async user(uid: string): Promise<Client> {
    const c = await Client.open();
    const res = await c.request('user.login', { authToken: tokens[uid] });
    expect(res.ok).toBe(true);
    return c;
  }
  async request(type: string, params: unknown): Promise<any> {
    const id = `r${++this.#next}`;
    this.ws.send(JSON.stringify({ id, type, params }));
    for (let i = 0; i < 400; i++) {
      const frame = this.frames.find((f) => f.type === 'response' && f.id === id);
      if (frame) return frame;
      await sleep(25);
    }
    throw new Error(`no response to ${type}`);
  }
  async ok(type: string, params: unknown): Promise<any> {
    const res = await this.request(type, params);
    if (!res.ok) throw new Error(`${type}: ${JSON.stringify(res.error)}`);
    return res.result;
  }
  events(name: string): any[] {
    return this.frames.filter((f) => f.type === 'event' && f.event === name).map((f) => f.data);
  }
  async event(name: string, count = 1, timeoutMs = 5_000): Promise<any> {
    const until = Date.now() + timeoutMs;
    while (this.events(name).length < count) {
      if (Date.now() > until) throw new Error(`no ${name} event (have: ${this.frames.map((f) => f.event ?? f.type).join(', ')})`);
      await sleep(25);
    }
    return this.events(name)[count - 1];
  }
  close() {
    this.ws.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function log(sessionId: string) {
  return (await http.get(`/v1/calls/${sessionId}`)).body;
}

async function joinSession(uid: string, sessionId: string): Promise<Client> {
  const { token } = await signCallToken(server.tokenSecret, 600, { sessionId, uid, name: uid, avatar: null, kind: 'direct' });
  const c = await Client.open();
  await c.ok('join', { token, sessionId, audioOnly: true });
  return c;
}

beforeAll(async () => {
  server = await startTestServer({ PARLEY_RING_TIMEOUT_MS: '1500', PARLEY_RECONNECT_GRACE_MS: '300' }, { media: true });
  http = api(server);
  for (const uid of ['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gil']) {
    await http.createUser(uid, uid.toUpperCase());
    tokens[uid] = (await http.createAuthToken(uid)).authToken;
  }
});

afterAll(async () => {
  await server?.close();
});

describe('a user channel', () => {
  it('needs user.login with a valid auth token before any call request', async () => {
    const c = await Client.open();
    expect((await c.request('call.initiate', { receiverUid: 'bob', type: 'audio' })).error.code).toBe('NOT_LOGGED_IN');
    expect((await c.request('user.login', { authToken: 'at_nope' })).error.code).toBe('AUTH_TOKEN_INVALID');
    expect((await c.request('user.login', { authToken: tokens.ann })).result).toEqual({ uid: 'ann', ringing: [] });
    expect((await c.request('call.initiate', { receiverUid: 'ann', type: 'audio' })).error.code).toBe('VALIDATION_FAILED');
    expect((await c.request('call.initiate', { receiverUid: 'nobody', type: 'audio' })).error.code).toBe('USER_NOT_FOUND');
    c.close();
  });
});

describe('ringing', () => {
  it('rings every tab of the receiver; one accepts, the others stop; ending tells the other side', async () => {
    const ann = await Client.user('ann');
    const bob1 = await Client.user('bob');
    const bob2 = await Client.user('bob');
    const { call } = await ann.ok('call.initiate', { receiverUid: 'bob', type: 'video' });
    expect(call).toMatchObject({ status: 'initiated', type: 'video', kind: 'direct', initiator: { uid: 'ann', name: 'ANN' }, receiver: { uid: 'bob' } });
    expect((await bob1.event('call.incoming')).call.sessionId).toBe(call.sessionId);
    expect((await bob2.event('call.incoming')).call.sessionId).toBe(call.sessionId);
    expect((await log(call.sessionId)).status).toBe('initiated');

    const accepted = await bob1.ok('call.accept', { sessionId: call.sessionId });
    expect(accepted.call.status).toBe('ongoing');
    expect((await ann.event('call.accepted')).call.status).toBe('ongoing');
    expect((await bob2.event('call.cancelled')).call.status).toBe('ongoing');
    expect(bob1.events('call.cancelled')).toHaveLength(0);
    expect((await bob2.request('call.accept', { sessionId: call.sessionId })).error.code).toBe('INVALID_STATE');
    expect((await log(call.sessionId)).status).toBe('ongoing');

    const ended = await bob1.ok('call.end', { sessionId: call.sessionId });
    expect(ended.call.status).toBe('ended');
    expect(await ann.event('call.ended')).toMatchObject({ by: 'bob', call: { status: 'ended' } });
    expect(bob1.events('call.ended')).toHaveLength(0);
    expect((await log(call.sessionId)).status).toBe('ended');
    for (const c of [ann, bob1, bob2]) c.close();
  });

  it('tells the caller of a rejection, and the receiver of a cancel', async () => {
    const ann = await Client.user('ann');
    const cat = await Client.user('cat');
    const first = (await ann.ok('call.initiate', { receiverUid: 'cat', type: 'audio' })).call;
    await cat.event('call.incoming');
    expect((await cat.ok('call.reject', { sessionId: first.sessionId, reason: 'rejected' })).call.status).toBe('rejected');
    expect((await ann.event('call.rejected')).call.status).toBe('rejected');
    expect((await log(first.sessionId)).status).toBe('rejected');

    const second = (await ann.ok('call.initiate', { receiverUid: 'cat', type: 'audio' })).call;
    await cat.event('call.incoming', 2);
    expect((await cat.request('call.cancel', { sessionId: second.sessionId })).error.code).toBe('CALL_NOT_FOUND');
    expect((await ann.ok('call.cancel', { sessionId: second.sessionId })).call.status).toBe('cancelled');
    expect((await cat.event('call.cancelled')).call).toMatchObject({ sessionId: second.sessionId, status: 'cancelled' });
    expect((await cat.request('call.accept', { sessionId: second.sessionId })).error.code).toBe('CALL_NOT_FOUND');
    expect((await log(second.sessionId)).status).toBe('cancelled');
    ann.close();
    cat.close();
  });

  it('answers busy at once when the receiver has another call ringing or is in a session', async () => {
    const ann = await Client.user('ann');
    const dan = await Client.user('dan');
    const eve = await Client.user('eve');
    const ringing = (await ann.ok('call.initiate', { receiverUid: 'dan', type: 'audio' })).call;
    const busy = (await eve.ok('call.initiate', { receiverUid: 'dan', type: 'video' })).call;
    expect(busy.status).toBe('busy');
    expect((await eve.event('call.rejected')).call).toMatchObject({ sessionId: busy.sessionId, status: 'busy' });
    expect(dan.events('call.incoming')).toHaveLength(1); // only the first call rang
    expect((await log(busy.sessionId)).status).toBe('busy');
    await ann.ok('call.cancel', { sessionId: ringing.sessionId });

    const inSession = await joinSession('dan', 'group-of-dan');
    const busyAgain = (await eve.ok('call.initiate', { receiverUid: 'dan', type: 'audio' })).call;
    expect(busyAgain.status).toBe('busy');
    await inSession.ok('leave', {});
    // The receiver may also decline as busy.
    const third = (await eve.ok('call.initiate', { receiverUid: 'dan', type: 'audio' })).call;
    await dan.event('call.incoming', 2);
    await dan.ok('call.reject', { sessionId: third.sessionId, reason: 'busy' });
    expect((await eve.event('call.rejected', 2)).call.status).toBe('busy');
    for (const c of [ann, dan, eve, inSession]) c.close();
  });

  it('gives up after the ring timeout: unanswered for both', async () => {
    const fay = await Client.user('fay');
    const gil = await Client.user('gil');
    const { call } = await fay.ok('call.initiate', { receiverUid: 'gil', type: 'audio' });
    expect((await fay.event('call.rejected', 1, 4_000)).call.status).toBe('unanswered');
    expect((await gil.event('call.cancelled')).call.status).toBe('unanswered');
    expect((await log(call.sessionId)).status).toBe('unanswered');
    fay.close();
    gil.close();
  });

  it('cancels a call whose caller went away, and lists it for a receiver who logs in while it rings', async () => {
    const fay = await Client.user('fay');
    const { call } = await fay.ok('call.initiate', { receiverUid: 'gil', type: 'video' });
    const gil = await Client.open();
    const login = await gil.ok('user.login', { authToken: tokens.gil });
    expect(login.ringing.map((c: any) => c.sessionId)).toEqual([call.sessionId]);
    fay.ws.terminate();
    expect((await gil.event('call.cancelled')).call.status).toBe('cancelled');
    expect((await log(call.sessionId)).endReason).toBe('caller-disconnected');
    gil.close();
  });

  it('call.end ends the live session for both; a session that ends by itself ends the call', async () => {
    const ann = await Client.user('ann');
    const bob = await Client.user('bob');
    const { call } = await ann.ok('call.initiate', { receiverUid: 'bob', type: 'audio' });
    await bob.event('call.incoming');
    await bob.ok('call.accept', { sessionId: call.sessionId });
    const annSession = await joinSession('ann', call.sessionId);
    const bobSession = await joinSession('bob', call.sessionId);
    await sleep(300);
    await ann.ok('call.end', { sessionId: call.sessionId });
    expect((await bobSession.event('session.ended')).reason).toBe('call-ended');
    expect((await annSession.event('session.ended')).reason).toBe('call-ended');
    expect((await bob.event('call.ended')).by).toBe('ann');
    const ended = await log(call.sessionId);
    expect(ended).toMatchObject({ status: 'ended', type: 'audio', kind: 'direct', initiator: { uid: 'ann' }, receiver: { uid: 'bob' } });
    expect(ended.participants.map((p: any) => p.uid).sort()).toEqual(['ann', 'bob']);
    for (const p of ended.participants) {
      expect(p.leftAt).not.toBeNull();
      expect(p.durationSeconds).toBeGreaterThan(0);
    }
    expect(ended.audioMinutes).toBeGreaterThan(0);
    expect(ended.videoMinutes).toBe(0);

    // Second call: one side leaves its session without call.end.
    const again = (await ann.ok('call.initiate', { receiverUid: 'bob', type: 'video' })).call;
    await bob.event('call.incoming', 2);
    await bob.ok('call.accept', { sessionId: again.sessionId });
    const a2 = await joinSession('ann', again.sessionId);
    const b2 = await joinSession('bob', again.sessionId);
    await b2.ok('leave', {});
    expect((await ann.event('call.ended', 1)).call.sessionId).toBe(again.sessionId);
    expect((await ann.event('call.ended', 1)).by).toBeNull();
    expect((await log(again.sessionId)).status).toBe('ended');
    // Both are free again.
    const third = (await ann.ok('call.initiate', { receiverUid: 'bob', type: 'audio' })).call;
    expect(third.status).toBe('initiated');
    await ann.ok('call.cancel', { sessionId: third.sessionId });
    for (const c of [ann, bob, annSession, bobSession, a2, b2]) c.close();
  });
});

describe('call logs over REST', () => {
  it('answers the API key for any call, a user only for their own', async () => {
    expect(errorOf(await http.get('/v1/calls', { auth: null }))).toEqual({ status: 401, code: 'AUTH_TOKEN_REQUIRED' });
    const all = await http.get('/v1/calls?limit=100');
    expect(all.status).toBe(200);
    const annCalls = await http.get('/v1/calls?limit=100', { auth: tokens.ann });
    expect(annCalls.status).toBe(200);
    expect(annCalls.body.items.length).toBeGreaterThan(0);
    for (const c of annCalls.body.items) {
      const involved = c.initiator?.uid === 'ann' || c.receiver?.uid === 'ann' || c.participants.some((p: any) => p.uid === 'ann');
      expect(involved).toBe(true);
    }
    expect(all.body.items.length).toBeGreaterThan(annCalls.body.items.length);
    expect(errorOf(await http.get('/v1/calls?uid=bob', { auth: tokens.ann }))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect((await http.get('/v1/calls?uid=ann', { auth: tokens.ann })).status).toBe(200);

    const notAnns = all.body.items.find((c: any) => c.initiator?.uid === 'eve' && c.receiver?.uid === 'dan');
    expect(errorOf(await http.get(`/v1/calls/${notAnns.sessionId}`, { auth: tokens.ann }))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect((await http.get(`/v1/calls/${notAnns.sessionId}`, { auth: tokens.eve })).status).toBe(200);
    expect(errorOf(await http.get('/v1/calls/no-such-call'))).toEqual({ status: 404, code: 'CALL_NOT_FOUND' });
  });

  it('pages newest first without repeats, and filters by status', async () => {
    // Session-only calls are in the log too.
    await server.services.store.sessions.sessionStarted('plain-session', 'group', 'video');
    const all = (await http.get('/v1/calls?limit=100')).body.items;
    expect(all[0].sessionId).toBe('plain-session');
    expect(all[0]).toMatchObject({ kind: 'group', status: 'ongoing', initiator: null, receiver: null });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await http.get(`/v1/calls?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).body;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((c: any) => c.sessionId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((c: any) => c.sessionId));
    const times = all.map((c: any) => Date.parse(c.initiatedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const failed = (await http.get('/v1/calls?status=busy,rejected&limit=100')).body.items;
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(new Set(failed.map((c: any) => c.status))).toEqual(new Set(['busy', 'rejected']));
    const dans = (await http.get('/v1/calls?status=busy', { auth: tokens.dan })).body.items;
    expect(dans.every((c: any) => c.status === 'busy' && c.receiver.uid === 'dan')).toBe(true);
    expect(errorOf(await http.get('/v1/calls?status=lost'))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect((await http.get('/v1/openapi.json')).body.paths['/v1/calls/{sessionId}']).toBeDefined();
  });
});
