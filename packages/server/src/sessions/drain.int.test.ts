/**
 * SIGTERM's drain on a real server: /readyz turns 503 at once, a call in
 * progress goes on and is told `server.draining`, a new session is refused
 * with SERVER_DRAINING, and the drain is over once the last call ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCallToken } from '../tokens/call-token.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ PARLEY_DRAIN_SECONDS: '20' }, { media: true });
});
afterAll(() => server?.close());

async function join(uid: string, sessionId: string) {
  const { token } = await signCallToken(server.tokenSecret, 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(server.url);
  return { client, res: await client.request('join', { token, sessionId }) };
}

const readyz = async () => {
  const r = await fetch(`${server.url}/readyz`);
  return { status: r.status, body: await r.json() };
};

describe('draining', () => {
  it('is ready before; after SIGTERM not ready, the call goes on, no new session starts, and it ends with the last call', async () => {
    expect(await readyz()).toEqual({ status: 200, body: { ready: true } });
    const a = await join('drain-a', 'drain-1');
    expect(a.res.ok).toBe(true);

    let drained = false;
    const draining = server.drain().then(() => (drained = true));
    expect(await readyz()).toEqual({ status: 503, body: { ready: false, reason: 'draining' } });
    await expect.poll(() => a.client.events('server.draining').map((e) => e.data), { timeout: 5_000 }).toEqual([{ graceSeconds: 20 }]);

    const b = await join('drain-b', 'drain-1'); // the call in progress still takes people
    expect(b.res.ok).toBe(true);
    const c = await join('drain-c', 'drain-2'); // a new session does not start here
    expect(c.res.ok).toBe(false);
    expect(c.res.ok === false && c.res.error.code).toBe('SERVER_DRAINING');

    expect(drained).toBe(false);
    for (const x of [a, b]) await x.client.request('leave', {});
    await draining;
    expect(drained).toBe(true);
    for (const x of [a, b, c]) x.client.close();
  });

  it('is listed in the OpenAPI document', async () => {
    const doc = await (await fetch(`${server.url}/v1/openapi.json`)).json();
    expect(doc.paths['/readyz'].get.operationId).toBe('getReadiness');
  });
});
