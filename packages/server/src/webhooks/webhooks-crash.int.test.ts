/**
 * Webhooks survive kill -9: the receiver is down while a call happens, the
 * server is SIGKILLed mid-call and started again on the same data; once the
 * receiver is back it gets every event, each session's in order. A
 * duplicate could only be a delivery in flight at the kill (the receiver
 * was down, so there were none to reach it): they are counted and printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyWebhook } from '@parley/server-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { TEST_API_KEY, TEST_TOKEN_SECRET } from '../testing/test-server.ts';
import { WebhookReceiver } from '../testing/webhook-receiver.ts';
import { signCallToken } from '../tokens/call-token.ts';

const SECRET = 'whsec_crash_test_0123456789abcdef';
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

async function joinAs(url: string, uid: string, sessionId: string): Promise<TestSignalingClient> {
  const { token } = await signCallToken(new TextEncoder().encode(TEST_TOKEN_SECRET), 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(url);
  expect((await client.request('join', { token, sessionId })).ok).toBe(true);
  return client;
}

async function deliveries(server: ServerProcess) {
  const r = await fetch(`${server.url}/v1/webhooks/env-0/deliveries?limit=100`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
  return ((await r.json()) as { items: Array<{ eventId: string; eventType: string; status: string; attempts: unknown[] }> }).items;
}

describe('webhooks across kill -9', () => {
  it('delivers every event after the restart, in order per session, duplicates only for what was in flight', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-webhook-crash-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const receiverPort = await freePort(); // nothing listens there yet: the receiver is down
    const env = {
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      PARLEY_API_KEY: TEST_API_KEY,
      PARLEY_TOKEN_SECRET: TEST_TOKEN_SECRET,
      PARLEY_WEBHOOK_URLS: `http://127.0.0.1:${receiverPort}/hooks`,
      PARLEY_WEBHOOK_SECRET: SECRET,
    };

    const first = await startServerProcess(env);
    cleanups.push(() => first.kill('SIGKILL'));
    const carol = await joinAs(first.url, 'crash-carol', 'crash-a');
    const dave = await joinAs(first.url, 'crash-dave', 'crash-a');
    const erin = await joinAs(first.url, 'crash-erin', 'crash-b');
    expect((await carol.request('leave', {})).ok).toBe(true);
    const before = await deliveries(first);
    expect(before.map((d) => d.eventType).reverse()).toEqual(['session.started', 'participant.joined', 'participant.joined', 'session.started', 'participant.joined', 'participant.left']);
    // Tried (refused) at least once while the receiver was down: polled, a loaded machine's first attempt can come late.
    for (const deadline = Date.now() + 15_000; !(await deliveries(first)).some((d) => d.attempts.length > 0) && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect((await deliveries(first)).some((d) => d.attempts.length > 0)).toBe(true);
    await first.kill('SIGKILL');
    for (const c of [carol, dave, erin]) c.close();

    const second = await startServerProcess(env);
    cleanups.push(() => second.kill('SIGKILL'));
    const frank = await joinAs(second.url, 'crash-frank', 'crash-c');
    const receiver = await WebhookReceiver.start(receiverPort);
    cleanups.push(() => receiver.stop());

    const expected = (await deliveries(second)).reverse(); // oldest first: the outbox across both runs
    expect(expected.length).toBeGreaterThanOrEqual(before.length + 2);
    const deadline = Date.now() + 60_000;
    while ((await deliveries(second)).some((d) => d.status !== 'delivered')) {
      if (Date.now() > deadline) throw new Error(`not all delivered: ${JSON.stringify(await deliveries(second))}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const events = receiver.received.map((r) => verifyWebhook(r.body, r.signature, SECRET));
    const ids = events.map((e) => e.id);
    const duplicates = ids.length - new Set(ids).size;
    console.log(`after kill -9 and restart: ${expected.length} events in the outbox, ${events.length} deliveries received, ${duplicates} duplicate(s)`);
    // Every event, none lost.
    expect(new Set(ids)).toEqual(new Set(expected.map((d) => d.eventId)));
    expect(duplicates).toBe(0);
    // Each session's events in the order they happened.
    const sessionOf = (e: (typeof events)[number]) => ((e.data as { sessionId?: string; session?: { sessionId: string } }).sessionId ?? (e.data as { session: { sessionId: string } }).session.sessionId);
    const typesOf = (sessionId: string) => events.filter((e) => sessionOf(e) === sessionId).map((e) => e.type);
    expect(typesOf('crash-a').slice(0, 4)).toEqual(['session.started', 'participant.joined', 'participant.joined', 'participant.left']);
    expect(typesOf('crash-b')[0]).toBe('session.started');
    expect(typesOf('crash-c')).toEqual(['session.started', 'participant.joined']);
    frank.close();
    await second.kill('SIGTERM');
  }, 120_000);
});
