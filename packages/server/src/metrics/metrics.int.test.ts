/**
 * /metrics with a real server, Janus and database: three people in a call
 * (signaling clients), scraped during the call and after it. The gauges go
 * up and back down, a bad request moves the error counter by its code, each
 * join timing the clients report is one observation, the output parses as
 * Prometheus text, and no label carries a user or a session id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Families, labelValues, observations, scrape, sampleValue } from '../testing/metrics-scrape.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { signCallToken } from '../tokens/call-token.ts';

const METRICS_TOKEN = 'metrics-token-0123456789';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ PARLEY_METRICS_PORT: '0', PARLEY_METRICS_TOKEN: METRICS_TOKEN, PARLEY_RECONNECT_GRACE_MS: '200' }, { media: true });
});
afterAll(async () => {
  await server?.close();
});

async function join(uid: string, sessionId: string): Promise<TestSignalingClient> {
  const { token } = await signCallToken(server.tokenSecret, 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(server.url);
  const joined = await client.request('join', { token, sessionId });
  expect(joined.ok).toBe(true);
  return client;
}

const metricsPort = (): Promise<Families> => scrape(server.metricsUrl as string);

describe('/metrics during a three-person call and after it', () => {
  it('counts the call up and back down, errors by code, join timings, and names nobody', async () => {
    const before = await metricsPort();
    const people = ['metrics-alice', 'metrics-bob', 'metrics-carol'];
    const clients = [];
    for (const uid of people) clients.push(await join(uid, 'metrics-call'));

    const during = await metricsPort();
    expect(sampleValue(during, 'parley_sessions_live')).toBe(1);
    expect(sampleValue(during, 'parley_participants_live')).toBe(3);
    expect(sampleValue(during, 'parley_ws_connections')).toBe(3);
    expect(sampleValue(during, 'parley_participant_joins_total') - sampleValue(before, 'parley_participant_joins_total')).toBe(3);
    expect(sampleValue(during, 'parley_janus_nodes_up')).toBe(1);
    expect(sampleValue(during, 'parley_signaling_requests_total', { type: 'join' })).toBeGreaterThanOrEqual(3);

    // Each SDK reports its own join → first remote frame once; a repeat is ignored.
    for (const [i, c] of clients.entries()) {
      expect((await c.request('metrics.joinTiming', { firstRemoteFrameMs: 400 + 100 * i })).ok).toBe(true);
    }
    expect((await clients[0]!.request('metrics.joinTiming', { firstRemoteFrameMs: 90_000 })).ok).toBe(true);
    // A bad request: the error counter moves under its code.
    const bad = await clients[0]!.request('mute', {});
    expect(bad.error.code).toBe('VALIDATION_FAILED');
    const afterBad = await metricsPort();
    expect(observations(afterBad, 'parley_join_first_remote_frame_seconds')).toBe(3);
    expect(sampleValue(afterBad, 'parley_signaling_errors_total', { type: 'mute', code: 'VALIDATION_FAILED' })).toBe(1);

    for (const c of clients) expect((await c.request('leave', {})).ok).toBe(true);
    for (const c of clients) c.close();
    let after = await metricsPort();
    for (let i = 0; i < 100 && (sampleValue(after, 'parley_ws_connections') > 0 || sampleValue(after, 'parley_sessions_live') > 0); i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await metricsPort();
    }
    expect(sampleValue(after, 'parley_ws_connections')).toBe(0);
    expect(sampleValue(after, 'parley_sessions_live')).toBe(0);
    expect(sampleValue(after, 'parley_participants_live')).toBe(0);
    expect(sampleValue(after, 'parley_participant_leaves_total', { reason: 'left' })).toBe(3);
    const ended = after.find((f) => f.name === 'parley_sessions_ended_total');
    expect(ended?.metrics.reduce((n, m) => n + Number(m.value), 0)).toBe(1);
    expect(sampleValue(after, 'parley_sessions_started_total')).toBe(1);
    // Process metrics come along.
    expect(sampleValue(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    // Bounded labels only: no user id, no session id.
    const values = labelValues(after);
    for (const id of [...people, 'metrics-call']) expect(values.some((v) => v.includes(id))).toBe(false);
    for (const f of after.filter((f) => f.name.startsWith('parley_'))) {
      if (f.type === 'COUNTER') expect(f.name).toMatch(/_total$/);
    }
  }, 60_000);
});

describe('where /metrics is served', () => {
  it('listens on loopback when PARLEY_METRICS_PORT is set', () => {
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  });

  it('is on the main port only with PARLEY_METRICS_TOKEN as a Bearer token', async () => {
    expect(sampleValue(await scrape(`${server.url}/metrics`, METRICS_TOKEN), 'parley_janus_nodes_up')).toBe(1);
    const anonymous = await fetch(`${server.url}/metrics`);
    expect(anonymous.status).toBe(403);
    expect((await anonymous.json()).error.code).toBe('FORBIDDEN');
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-wrong-000000' } });
    expect(wrong.status).toBe(403);
  });

  it('is not on the main port without a token, nor on any port by default', async () => {
    const plain = await startTestServer();
    try {
      expect(plain.metricsUrl).toBeUndefined();
      expect((await fetch(`${plain.url}/metrics`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
