/**
 * Webhooks with a real server, Janus and database: endpoints over REST; a
 * loopback receiver gets every event of a two-person call (rung, answered,
 * recorded, ended) in order, each signed so that verifyWebhook accepts it;
 * a receiver that answers 500 three times gets the event on the fourth
 * attempt, and every attempt is listed.
 */
import { join } from 'node:path';
import { verifyWebhook } from '@parley/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMjr } from '../recording/mjr-fixture.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { type Api, api, errorOf, startTestServer, type TestServer } from '../testing/test-server.ts';
import { WebhookReceiver } from '../testing/webhook-receiver.ts';
import { signCallToken } from '../tokens/call-token.ts';

let server: TestServer;
let http: Api;
beforeAll(async () => {
  server = await startTestServer({ PARLEY_RECONNECT_GRACE_MS: '200', LOG_LEVEL: process.env.WH_LOG ?? 'silent' }, { media: true });
  http = api(server);
});
afterAll(async () => {
  await server?.close();
});

async function waitFor<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('webhook endpoints over REST', () => {
  it('registers, lists without secrets, rotates, and deletes with the API key only', async () => {
    const created = await http.post('/v1/webhooks', { url: 'http://127.0.0.1:9/x', events: ['call.initiated'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: 'http://127.0.0.1:9/x', events: ['call.initiated'], source: 'api' });
    expect(created.body.secret).toMatch(/^whsec_/);
    const listed = await http.get('/v1/webhooks');
    expect(listed.body.items.find((e: { id: string }) => e.id === created.body.id)).not.toHaveProperty('secret');
    const rotated = await http.post(`/v1/webhooks/${created.body.id}/rotate-secret`);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(errorOf(await http.post('/v1/webhooks', { url: 'ftp://x' }))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(errorOf(await http.get('/v1/webhooks', { auth: null }))).toEqual({ status: 401, code: 'API_KEY_REQUIRED' });
    expect((await http.delete(`/v1/webhooks/${created.body.id}`)).status).toBe(204);
    expect(errorOf(await http.delete(`/v1/webhooks/${created.body.id}`))).toEqual({ status: 404, code: 'WEBHOOK_NOT_FOUND' });
    expect(errorOf(await http.get('/v1/webhooks/nope/deliveries'))).toEqual({ status: 404, code: 'WEBHOOK_NOT_FOUND' });
  });
});

describe('a two-person call with a recording', () => {
  it('reaches the receiver as every event, in order, each signature valid', async () => {
    const receiver = await WebhookReceiver.start();
    const { id, secret } = (await http.post('/v1/webhooks', { url: receiver.url })).body;
    await http.createUser('wh-alice');
    await http.createUser('wh-bob');
    const channel = async (uid: string) => {
      const c = await TestSignalingClient.open(server.url);
      expect((await c.request('user.login', { authToken: (await http.createAuthToken(uid)).authToken })).ok).toBe(true);
      return c;
    };
    const alice = await channel('wh-alice');
    const bob = await channel('wh-bob');
    const initiated = await alice.request('call.initiate', { receiverUid: 'wh-bob', type: 'video' });
    const sessionId = initiated.result.call.sessionId as string;
    expect((await bob.request('call.accept', { sessionId })).ok).toBe(true);
    // Each joins on a socket of its own, as the SDK does (the session's end closes it).
    const inCall: TestSignalingClient[] = [];
    for (const uid of ['wh-alice', 'wh-bob']) {
      const { token } = await signCallToken(server.tokenSecret, 600, { sessionId, uid, name: uid, avatar: null, kind: 'direct' });
      const c = await TestSignalingClient.open(server.url);
      expect((await c.request('join', { token, sessionId })).ok).toBe(true);
      inCall.push(c);
    }
    const aliceInCall = inCall[0] as TestSignalingClient;
    const started = await aliceInCall.request('recording.start', {});
    expect(started.ok).toBe(true);
    // What Janus would have written for a published camera and microphone.
    const rawDir = join(server.dataDir, 'recordings', 'raw', started.result.recordingId);
    const t0 = Date.now();
    await Promise.all([
      writeMjr({ file: join(rawDir, 'videoroom-1-user-1-1-video-1.mjr'), kind: 'video', startMs: t0, seconds: 3, speed: 8 }),
      writeMjr({ file: join(rawDir, 'videoroom-1-user-1-1-audio-0.mjr'), kind: 'audio', startMs: t0, seconds: 3, speed: 8 }),
    ]);
    expect((await aliceInCall.request('recording.stop', {})).ok).toBe(true);
    expect((await alice.request('call.end', { sessionId })).ok).toBe(true);

    const types = await waitFor(() => receiver.types(), (t) => t.includes('recording.ready') && t.includes('call.ended') && t.includes('session.ended'), 'the call\'s events', 60_000);
    console.log(`webhook events of the call, in order: ${types.join(', ')}`);
    expect(types.slice(0, 6)).toEqual(['call.initiated', 'call.accepted', 'session.started', 'participant.joined', 'participant.joined', 'recording.started']);
    expect(types.filter((t) => t === 'participant.left')).toHaveLength(2);
    expect(types.indexOf('session.ended')).toBeGreaterThan(types.lastIndexOf('participant.left'));
    expect(types.indexOf('recording.ready')).toBeGreaterThan(types.indexOf('recording.started'));
    expect(new Set(types)).toEqual(new Set(['call.initiated', 'call.accepted', 'session.started', 'participant.joined', 'recording.started', 'participant.left', 'session.ended', 'call.ended', 'recording.ready']));

    // Each is signed; each says what the REST API would.
    const events = receiver.received.map((r) => verifyWebhook(r.body, r.signature, secret));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(receiver.received.map((r) => r.eventId)).toEqual(events.map((e) => e.id));
    const createdAt = events.map((e) => Date.parse(e.createdAt));
    expect(createdAt).toEqual([...createdAt].sort((a, b) => a - b));
    const ready = events.find((e) => e.type === 'recording.ready')?.data as { recording: { status: string; sessionId: string } };
    expect(ready.recording).toMatchObject({ status: 'ready', sessionId });
    const ended = events.find((e) => e.type === 'call.ended')?.data as { call: { sessionId: string; status: string } };
    expect(ended.call).toMatchObject({ sessionId, status: 'ended' });
    const joined = events.find((e) => e.type === 'participant.joined')?.data as { participant: { uid: string } };
    expect(joined.participant.uid).toBe('wh-alice');

    // The deliveries API shows one delivered attempt each.
    const deliveries = (await http.get(`/v1/webhooks/${id}/deliveries`)).body.items;
    expect(deliveries).toHaveLength(events.length);
    for (const d of deliveries) expect(d).toMatchObject({ status: 'delivered', attempts: [{ statusCode: 200 }] });
    expect((await http.delete(`/v1/webhooks/${id}`)).status).toBe(204);
    for (const c of [alice, bob, ...inCall]) c.close();
    await receiver.stop();
  }, 90_000);
});

describe('a receiver that fails', () => {
  it('answering 500 three times, then 200, gets the event on the fourth attempt', async () => {
    const receiver = await WebhookReceiver.start();
    receiver.answers.push(500, 500, 500);
    const { id, secret } = (await http.post('/v1/webhooks', { url: receiver.url, events: ['session.started'] })).body;
    const { token } = await signCallToken(server.tokenSecret, 600, { sessionId: 'wh-retry', uid: 'wh-carol', name: 'Carol', avatar: null, kind: 'group' });
    const carol = await TestSignalingClient.open(server.url);
    expect((await carol.request('join', { token, sessionId: 'wh-retry' })).ok).toBe(true);

    const deliveries = await waitFor(async () => (await http.get(`/v1/webhooks/${id}/deliveries`)).body.items, (items) => items[0]?.status === 'delivered', 'the fourth attempt', 30_000);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 500, 200]);
    expect(receiver.received).toHaveLength(4);
    // The same event each time, signed afresh.
    const ids = receiver.received.map((r) => verifyWebhook(r.body, r.signature, secret).id);
    expect(new Set(ids).size).toBe(1);
    // Back-off: each pause longer than the one before (1 s, 2 s, 4 s ± 25 %).
    const gaps = receiver.received.slice(1).map((r, i) => r.at - (receiver.received[i] as { at: number }).at);
    console.log(`retry gaps: ${gaps.join(' ms, ')} ms`);
    expect(gaps[0]).toBeGreaterThanOrEqual(700);
    expect(gaps[2]).toBeGreaterThan(gaps[0] as number);
    carol.close();
    await receiver.stop();
  }, 40_000);

  it('answering 404 is not tried again', async () => {
    const receiver = await WebhookReceiver.start();
    receiver.answers.push(404);
    const { id } = (await http.post('/v1/webhooks', { url: receiver.url, events: ['session.started'] })).body;
    const { token } = await signCallToken(server.tokenSecret, 600, { sessionId: 'wh-404', uid: 'wh-dan', name: 'Dan', avatar: null, kind: 'group' });
    const dan = await TestSignalingClient.open(server.url);
    expect((await dan.request('join', { token, sessionId: 'wh-404' })).ok).toBe(true);
    const [delivery] = await waitFor(async () => (await http.get(`/v1/webhooks/${id}/deliveries`)).body.items, (items) => items[0]?.status === 'failed', 'the failed delivery');
    expect(delivery.attempts).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(receiver.received).toHaveLength(1);
    dan.close();
    await receiver.stop();
  });
});
