/**
 * `parley_turn_allocations` with a real embedded coturn: a client takes a
 * relay with the credential its join gave it, and the gauge, read from
 * coturn's CLI at each scrape, goes to 1; once the relay is released it goes
 * back to 0. The gauge carries no labels, so no user is named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Families, scrape, sampleValue } from '../testing/metrics-scrape.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer, TEST_TOKEN_SECRET, type TestServer } from '../testing/test-server.ts';
import { signCallToken } from '../tokens/call-token.ts';
import { TurnClient } from '../turn/turn-client.ts';

let server: TestServer;
let signaling: TestSignalingClient | undefined;

beforeAll(async () => {
  server = await startTestServer({ PARLEY_TURN: 'embedded', PARLEY_METRICS_PORT: '0' }, { media: true });
});
afterAll(async () => {
  signaling?.close();
  await server?.close();
});

const allocations = async (): Promise<number> => sampleValue(await scrape(server.metricsUrl as string), 'parley_turn_allocations');

/** Scrapes until the gauge reads `expected` (coturn drops a released session within a moment), or gives up after 5 s. */
async function allocationsBecome(expected: number): Promise<number> {
  let value = await allocations();
  for (let i = 0; i < 50 && value !== expected; i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await allocations();
  }
  return value;
}

describe('TURN allocations of the embedded coturn in /metrics', () => {
  it('counts a relay a client holds, and not once it is released', async () => {
    expect(await allocationsBecome(0)).toBe(0);

    const { token } = await signCallToken(new TextEncoder().encode(TEST_TOKEN_SECRET), 600, { sessionId: 'turn-metrics', uid: 'relayed-user', name: 'R', avatar: null, kind: 'group' });
    signaling = await TestSignalingClient.open(server.url);
    const joined = await signaling.request('join', { token, sessionId: 'turn-metrics' });
    expect(joined.ok).toBe(true);
    const [ice] = joined.result.iceServers;
    const udp = /^turn:([\d.]+):(\d+)\?transport=udp$/.exec(ice.urls[0]);
    expect(udp).not.toBeNull();

    const client = await TurnClient.connect({ host: udp?.[1] as string, port: Number(udp?.[2]), transport: 'udp' });
    try {
      expect((await client.allocate({ username: ice.username, password: ice.credential })).ok).toBe(true);
      expect(await allocationsBecome(1)).toBe(1);
      expect((await client.release()).ok).toBe(true);
    } finally {
      client.close();
    }
    expect(await allocationsBecome(0)).toBe(0);
  }, 60_000);

  it('is a gauge without labels', async () => {
    const families: Families = await scrape(server.metricsUrl as string);
    const family = families.find((f) => f.name === 'parley_turn_allocations');
    expect(family?.type).toBe('GAUGE');
    expect(family?.metrics.map((m) => m.labels ?? {})).toEqual([{}]);
  });
});
