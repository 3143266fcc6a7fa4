/**
 * A signaling frame over the size limit is refused the way docs/errors.md
 * says: the WebSocket closes with 1009 (message too big), every time — not
 * cut with 1006 — and the server goes on serving others.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULTS } from '../defaults.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, { media: true });
});
afterAll(async () => {
  await server?.close();
});

it('closes with 1009 on every oversized frame, and a new socket still gets answers', async () => {
  const huge = JSON.stringify({ id: 'big', type: 'ping', params: { pad: 'x'.repeat(DEFAULTS.wsMaxFrameBytes) } });
  const codes = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const client = await TestSignalingClient.open(server.url);
      const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
      client.ws.send(huge);
      return closed;
    }),
  );
  expect(new Set(codes)).toEqual(new Set([1009]));

  const after = await TestSignalingClient.open(server.url);
  expect((await after.request('ping', {})).ok).toBe(true);
  after.close();
});
