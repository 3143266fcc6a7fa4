/**
 * Signaling rate limits with a real server and Janus: joins per user and
 * ringing initiations per user answer RATE_LIMITED with the seconds to
 * wait; a connection over its frame budget gets RATE_LIMITED answers and
 * stays open, and is closed (4029) only when it keeps far over it.
 */
import { CLOSE_CODES } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { api, startTestServer, type TestServer } from '../testing/test-server.ts';
import { signCallToken } from '../tokens/call-token.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    { PARLEY_RATE_JOINS_PER_MINUTE: '2', PARLEY_RATE_CALLS_PER_MINUTE: '1', PARLEY_RATE_WS_FRAMES_PER_SECOND: '5', PARLEY_RECONNECT_GRACE_MS: '100' },
    { media: true },
  );
});
afterAll(async () => {
  await server?.close();
});

async function joinAs(uid: string, sessionId: string) {
  const { token } = await signCallToken(server.tokenSecret, 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(server.url);
  return { client, answer: await client.request('join', { token, sessionId }) };
}

describe('joins per user', () => {
  it('refuses the third join of one user in a minute, with the seconds to wait; another user still joins', async () => {
    const first = await joinAs('joiner', 'limits-1');
    expect(first.answer.ok).toBe(true);
    await first.client.request('leave', {});
    const second = await joinAs('joiner', 'limits-2');
    expect(second.answer.ok).toBe(true);
    const third = await joinAs('joiner', 'limits-3');
    expect(third.answer.error.code).toBe('RATE_LIMITED');
    expect(third.answer.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(third.client.ws.readyState).toBe(third.client.ws.OPEN);
    const other = await joinAs('someone-else', 'limits-3');
    expect(other.answer.ok).toBe(true);
    for (const c of [first, second, third, other]) c.client.close();
  });
});

describe('ringing initiations per user', () => {
  it('refuses a second call.initiate in a minute', async () => {
    const http = api(server);
    await http.createUser('ringer');
    await http.createUser('ringee');
    const caller = await TestSignalingClient.open(server.url);
    expect((await caller.request('user.login', { authToken: (await http.createAuthToken('ringer')).authToken })).ok).toBe(true);
    const call = await caller.request('call.initiate', { receiverUid: 'ringee', type: 'audio' });
    expect(call.ok).toBe(true);
    expect((await caller.request('call.cancel', { sessionId: call.result.call.sessionId })).ok).toBe(true);
    const again = await caller.request('call.initiate', { receiverUid: 'ringee', type: 'audio' });
    expect(again.error.code).toBe('RATE_LIMITED');
    caller.close();
  });
});

describe('frames per connection', () => {
  it('answers a burst over the budget with RATE_LIMITED and keeps the socket; a pause lets requests through again', async () => {
    const client = await TestSignalingClient.open(server.url);
    for (let i = 0; i < 15; i++) client.ws.send(JSON.stringify({ id: `p${i}`, type: 'ping', params: {} }));
    const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => client.response(`p${i}`)));
    expect(answers.filter((a) => a.ok)).toHaveLength(10); // a burst of twice the rate
    expect(answers.filter((a) => a.error?.code === 'RATE_LIMITED')).toHaveLength(5);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await client.request('ping', {})).ok).toBe(true);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.close();
  });

  it('closes a connection that keeps sending far over its budget (4029)', async () => {
    const client = await TestSignalingClient.open(server.url);
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    for (let i = 0; i < 100; i++) client.ws.send(JSON.stringify({ id: `f${i}`, type: 'ping', params: {} }));
    expect(await closed).toBe(CLOSE_CODES.rateLimited);
    // Others are not affected.
    const other = await TestSignalingClient.open(server.url);
    expect((await other.request('ping', {})).ok).toBe(true);
    other.close();
  });
});
