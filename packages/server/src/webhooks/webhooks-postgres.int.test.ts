/**
 * The webhook outbox's SQL on PostgreSQL (the other tests run on PGlite):
 * endpoints filtered by event type, a retry after a 500, ordering per
 * session, the deliveries view and rotation.
 */
import { describe, expect, it } from 'vitest';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { api, startTestServer } from '../testing/test-server.ts';
import { createPostgresTestStore } from '../testing/test-store.ts';
import { WebhookReceiver } from '../testing/webhook-receiver.ts';
import { signCallToken } from '../tokens/call-token.ts';

describe('webhooks on PostgreSQL', () => {
  it('records, filters, retries and lists deliveries', async () => {
    const server = await startTestServer({}, { media: true, store: createPostgresTestStore });
    const http = api(server);
    const receiver = await WebhookReceiver.start();
    receiver.answers.push(500);
    const { id } = (await http.post('/v1/webhooks', { url: receiver.url, events: ['session.started', 'participant.joined'] })).body;
    const { token } = await signCallToken(server.tokenSecret, 600, { sessionId: 'pg-s', uid: 'pg-u', name: 'x', avatar: null, kind: 'group' });
    const client = await TestSignalingClient.open(server.url);
    expect((await client.request('join', { token, sessionId: 'pg-s' })).ok).toBe(true);
    for (let i = 0; i < 100 && receiver.received.length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    // The first try of session.started answered 500; participant.joined waited for its retry.
    expect(receiver.types()).toEqual(['session.started', 'session.started', 'participant.joined']);
    // The receiver has the last event before the server has written down its answer.
    const deliveries = async () => (await http.get(`/v1/webhooks/${id}/deliveries`)).body.items;
    await expect.poll(async () => (await deliveries())[0]).toMatchObject({ eventType: 'participant.joined', status: 'delivered' });
    const [, started] = await deliveries();
    expect(started.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
    expect((await http.post(`/v1/webhooks/${id}/rotate-secret`)).body.secret).toMatch(/^whsec_/);
    client.close();
    await receiver.stop();
    await server.close();
  }, 30_000);
});
