/**
 * The signaling socket with a real server, Janus and database, driven by a
 * plain WebSocket client: what a crafted or hostile client can and cannot do.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer, TEST_TOKEN_SECRET, type TestServer } from '../testing/test-server.ts';
import { signCallToken } from '../tokens/call-token.ts';

const SECRET = TEST_TOKEN_SECRET;
let server: TestServer;
/** How long an event that follows a request or a timer may take to arrive on a loaded machine. */
const SOON = { timeout: 5_000 };

async function tokenFor(uid: string, sessionId: string, kind: 'direct' | 'group' = 'group') {
  const { token } = await signCallToken(new TextEncoder().encode(SECRET), 600, { sessionId, uid, name: uid, avatar: null, kind });
  return token;
}

beforeAll(async () => {
  server = await startTestServer({ PARLEY_RECONNECT_GRACE_MS: '300' }, { media: true });
});

afterAll(async () => {
  await server?.close();
});

describe('joining with a call token', () => {
  it('joins the session the token names and returns who is there', async () => {
    const alice = await TestSignalingClient.open(server.url);
    const res = await alice.request('join', { token: await tokenFor('alice', 'room-a'), sessionId: 'room-a' });
    expect(res.ok).toBe(true);
    expect(res.result.sessionId).toBe('room-a');
    expect(res.result.self.uid).toBe('alice');
    expect(res.result.participants).toEqual([]);
    alice.close();
  });

  it('refuses a token for session A used to join session B', async () => {
    const c = await TestSignalingClient.open(server.url);
    const res = await c.request('join', { token: await tokenFor('mallory', 'room-a'), sessionId: 'room-b' });
    expect(res.error.code).toBe('CALL_TOKEN_WRONG_SESSION');
    c.close();
  });

  it('refuses an expired token', async () => {
    const expired = await new SignJWT({ sid: 'room-a', name: 'x', avatar: null, kind: 'group', rec: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('parley')
      .setAudience('parley:call')
      .setSubject('late')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    const c = await TestSignalingClient.open(server.url);
    expect((await c.request('join', { token: expired })).error.code).toBe('CALL_TOKEN_EXPIRED');
    c.close();
  });

  it('refuses a forged or malformed token', async () => {
    const forged = (await signCallToken(new TextEncoder().encode('another-secret-another-secret-0123456789'), 600, {
      sessionId: 'room-a', uid: 'eve', name: 'eve', avatar: null, kind: 'group',
    })).token;
    const c = await TestSignalingClient.open(server.url);
    expect((await c.request('join', { token: forged })).error.code).toBe('CALL_TOKEN_INVALID');
    expect((await c.request('join', { token: 'not-a-jwt' })).error.code).toBe('CALL_TOKEN_INVALID');
    c.close();
  });
});

describe('a client that crafts messages', () => {
  it('cannot publish or subscribe before joining', async () => {
    const c = await TestSignalingClient.open(server.url);
    expect((await c.request('publish', { jsep: { type: 'offer', sdp: 'v=0' } })).error.code).toBe('NOT_JOINED');
    expect((await c.request('subscriber.answer', { jsep: { type: 'answer', sdp: 'v=0' } })).error.code).toBe('NOT_JOINED');
    c.close();
  });

  it('cannot name another session, feed or user in a request', async () => {
    const c = await TestSignalingClient.open(server.url);
    await c.request('join', { token: await tokenFor('carol', 'room-c'), sessionId: 'room-c' });
    const cross = await c.request('publish', { jsep: { type: 'offer', sdp: 'v=0' }, sessionId: 'room-a' });
    expect(cross.error.code).toBe('VALIDATION_FAILED');
    const feed = await c.request('mute', { audioMuted: true, uid: 'alice' });
    expect(feed.error.code).toBe('VALIDATION_FAILED');
    const joinAgain = await c.request('join', { token: await tokenFor('carol', 'room-a'), sessionId: 'room-a' });
    expect(joinAgain.error.code).toBe('ALREADY_JOINED');
    c.close();
  });

  it('gets typed errors for garbage and keeps the connection', async () => {
    const c = await TestSignalingClient.open(server.url);
    c.ws.send('{not json');
    c.ws.send(JSON.stringify({ id: 'x1', type: 'no.such.request' }));
    c.ws.send(JSON.stringify({ id: 'x2', type: 'mute', params: { audioMuted: 'yes' } }));
    expect((await c.response('')).error.code).toBe('INVALID_JSON');
    expect((await c.response('x1')).error.code).toBe('VALIDATION_FAILED');
    expect((await c.response('x2')).error.code).toBe('VALIDATION_FAILED');
    expect((await c.request('ping', {})).ok).toBe(true);
    c.close();
  });
});

describe('session state', () => {
  it('tells others of joins, mutes and leaves, and records the stay', async () => {
    const a = await TestSignalingClient.open(server.url);
    const b = await TestSignalingClient.open(server.url);
    await a.request('join', { token: await tokenFor('ann', 'room-s'), sessionId: 'room-s' });
    const joined = await b.request('join', { token: await tokenFor('ben', 'room-s'), sessionId: 'room-s', audioMuted: true });
    expect(joined.result.participants.map((p: any) => p.uid)).toEqual(['ann']);
    expect(a.events('participant.joined')[0].data.participant).toMatchObject({ uid: 'ben', isAudioMuted: true });

    await b.request('mute', { audioMuted: false, videoMuted: true });
    await expect.poll(() => a.events('participant.muted').at(-1)?.data, SOON).toMatchObject({ mutedBy: 'ben', participant: { uid: 'ben', isAudioMuted: false, isVideoMuted: true } });

    await b.request('leave', {});
    await expect.poll(() => a.events('participant.left').at(-1)?.data, SOON).toMatchObject({ participant: { uid: 'ben' }, reason: 'left' });
    expect(a.events('participants.changed').at(-1).data.participants.map((p: any) => p.uid)).toEqual(['ann']);

    const record = await server.services.store.sessions.get('room-s');
    expect(record?.participants.find((p) => p.uid === 'ben')?.leftAt).not.toBeNull();
    a.close();
  });

  it('ends a direct session for both when one leaves', async () => {
    const a = await TestSignalingClient.open(server.url);
    const b = await TestSignalingClient.open(server.url);
    await a.request('join', { token: await tokenFor('dee', 'room-d', 'direct'), sessionId: 'room-d' });
    await b.request('join', { token: await tokenFor('dan', 'room-d', 'direct'), sessionId: 'room-d' });
    await a.request('leave', {});
    await expect.poll(() => b.events('session.ended')[0]?.data.reason, SOON).toBe('call-ended');
    expect(server.registry?.get('room-d')).toBeUndefined();
    expect((await server.services.store.sessions.get('room-d'))?.status).toBe('ended');
  });

  it('removes a participant whose socket closed after the grace period', async () => {
    const a = await TestSignalingClient.open(server.url);
    const b = await TestSignalingClient.open(server.url);
    await a.request('join', { token: await tokenFor('eli', 'room-g'), sessionId: 'room-g' });
    await b.request('join', { token: await tokenFor('fay', 'room-g'), sessionId: 'room-g' });
    b.ws.terminate();
    await new Promise((r) => setTimeout(r, 100));
    expect(a.events('participant.left')).toHaveLength(0); // still within grace
    await expect.poll(() => a.events('participant.left')[0]?.data, SOON).toMatchObject({ participant: { uid: 'fay' }, reason: 'disconnected' });
    a.close();
  });
});

describe('a participant whose socket drops', () => {
  it('takes their place again with the resume token, and nobody sees them leave', async () => {
    const a = await TestSignalingClient.open(server.url);
    const b = await TestSignalingClient.open(server.url);
    await a.request('join', { token: await tokenFor('gil', 'room-r'), sessionId: 'room-r' });
    const joined = await b.request('join', { token: await tokenFor('hal', 'room-r'), sessionId: 'room-r' });
    expect(joined.result.resumeToken).toEqual(expect.any(String));
    b.ws.terminate();
    await new Promise((r) => setTimeout(r, 100));

    const again = await TestSignalingClient.open(server.url);
    const resumed = await again.request('resume', { resumeToken: joined.result.resumeToken });
    expect(resumed.ok).toBe(true);
    expect(resumed.result.self.uid).toBe('hal');
    expect(resumed.result.participants.map((p: any) => p.uid)).toEqual(['gil']);
    await new Promise((r) => setTimeout(r, 500)); // past the 300 ms grace
    expect(a.events('participant.left')).toHaveLength(0);
    expect((await again.request('mute', { audioMuted: true })).ok).toBe(true);
    await expect.poll(() => a.events('participant.muted').at(-1)?.data.participant.uid, SOON).toBe('hal');
    a.close();
    again.close();
  });

  it('cannot resume once removed, or with a token that is not one', async () => {
    const a = await TestSignalingClient.open(server.url);
    const b = await TestSignalingClient.open(server.url);
    await a.request('join', { token: await tokenFor('ida', 'room-x'), sessionId: 'room-x' });
    const joined = await b.request('join', { token: await tokenFor('jon', 'room-x'), sessionId: 'room-x' });
    b.ws.terminate();
    // Past the grace: removed (ida hears it), however late a loaded machine runs the grace's timer.
    await expect.poll(() => a.events('participant.left').map((e: any) => e.data.participant.uid), SOON).toEqual(['jon']);
    const late = await TestSignalingClient.open(server.url);
    expect((await late.request('resume', { resumeToken: joined.result.resumeToken })).error.code).toBe('SESSION_ENDED');
    expect((await late.request('resume', { resumeToken: 'x'.repeat(32) })).error.code).toBe('SESSION_ENDED');
    a.close();
    late.close();
  });
});
