/**
 * Janus dies under a live call: the calls on it end with `media-failure`
 * (nobody is left in a dead room), Janus comes back, and new calls work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCallToken } from '../tokens/call-token.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { until } from '../testing/until.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { media: true });
});
afterAll(() => server?.close());

async function join(uid: string, sessionId: string): Promise<TestSignalingClient> {
  const { token } = await signCallToken(server.tokenSecret, 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(server.url);
  const res = await client.request('join', { token, sessionId });
  if (!res.ok) throw new Error(JSON.stringify(res.error));
  return client;
}

describe('Janus killed during a call', () => {
  it('ends the call with media-failure, restarts Janus, and takes new calls', async () => {
    const lost: string[] = [];
    server.events.on('media.nodeLost', ({ node }) => lost.push(node));
    const a = await join('crash-a', 'crash-1');
    const b = await join('crash-b', 'crash-1');
    const janus = server.media?.process;
    const oldPid = janus?.pid as number;
    expect(oldPid).toBeGreaterThan(0);

    process.kill(oldPid, 'SIGKILL');
    await until(() => a.events('session.ended').length > 0 && b.events('session.ended').length > 0, 'both told the session ended', 10_000);
    expect(a.events('session.ended')[0].data.reason).toBe('media-failure');
    expect(lost).toEqual([janus?.url]); // told once, to whoever listens (metrics, a cluster adapter)
    expect(server.registry?.get('crash-1')).toBeUndefined();
    expect((await server.services.store.sessions.get('crash-1'))?.status).toBe('ended');

    await until(() => janus?.pid !== undefined && janus.pid !== oldPid, 'a new Janus', 15_000);
    const c = await join('crash-c', 'crash-2'); // a room on the restarted Janus
    expect(server.registry?.get('crash-2')?.participants.size).toBe(1);
    c.close();
  });
});
