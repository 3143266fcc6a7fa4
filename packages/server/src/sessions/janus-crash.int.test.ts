/**
 * Janus dies under a live call: the supervisor restarts it, the session makes
 * its room again on the new Janus and tells everyone to publish again; nobody
 * is told of a leave or an end. With JANUS_URLS, a node that goes away has its
 * sessions' rooms made again on another node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JanusProcess } from '../media/janus-process.ts';
import { signCallToken } from '../tokens/call-token.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { until } from '../testing/until.ts';

async function join(server: TestServer, uid: string, sessionId: string): Promise<TestSignalingClient> {
  const { token } = await signCallToken(server.tokenSecret, 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(server.url);
  const res = await client.request('join', { token, sessionId });
  if (!res.ok) throw new Error(JSON.stringify(res.error));
  return client;
}

describe('the embedded Janus killed during a call', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { media: true });
  });
  afterAll(() => server?.close());

  it('restarts Janus, makes the room again there, and tells everyone to publish again; the call goes on', async () => {
    const lost: string[] = [];
    server.events.on('media.nodeLost', ({ node }) => lost.push(node));
    const a = await join(server, 'crash-a', 'crash-1');
    const b = await join(server, 'crash-b', 'crash-1');
    const janus = server.media?.process;
    const oldPid = janus?.pid as number;
    const oldRoom = server.registry?.get('crash-1')?.room?.id;
    expect(oldPid).toBeGreaterThan(0);

    const killedAt = Date.now();
    process.kill(oldPid, 'SIGKILL');
    await until(() => a.events('media.restart').length > 0 && b.events('media.restart').length > 0, 'both told to publish again', 15_000);
    console.log(`Janus killed → media.restart sent: ${Date.now() - killedAt} ms`);

    expect(a.events('media.restart')[0]?.data).toEqual({ reason: 'media-node-lost' });
    expect(lost).toEqual([janus?.url]); // told once, to whoever listens (metrics, a cluster adapter)
    expect(janus?.pid).not.toBe(oldPid);
    const session = server.registry?.get('crash-1');
    expect(session?.state).toBe('live');
    expect(session?.room?.id).not.toBe(oldRoom);
    for (const c of [a, b]) {
      expect(c.events('session.ended')).toEqual([]);
      expect(c.events('participant.left')).toEqual([]);
    }
    expect((await server.services.store.sessions.get('crash-1'))?.status).not.toBe('ended');
    a.close();
    b.close();
  });
});

describe('a JANUS_URLS node that goes away', () => {
  const nodes = [0, 1].map(() => new JanusProcess({ mediaInterface: process.env.PARLEY_MEDIA_INTERFACE, adminKey: 'two-nodes-admin-key' }));
  let server: TestServer;
  beforeAll(async () => {
    await Promise.all(nodes.map((n) => n.start()));
    server = await startTestServer({ JANUS_URLS: nodes.map((n) => n.url).join(','), JANUS_ADMIN_KEY: 'two-nodes-admin-key' }, { media: true });
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it("makes its sessions' rooms again on the node that is left", async () => {
    const a = await join(server, 'node-a', 'node-1');
    const first = server.registry?.get('node-1')?.room?.node;
    const gone = nodes.find((n) => n.url === first);
    expect(gone).toBeDefined();

    await gone?.stop();
    await until(() => a.events('media.restart').length > 0, 'told to publish again', 15_000);
    const room = server.registry?.get('node-1')?.room;
    expect(room?.node).not.toBe(first);
    expect(nodes.map((n) => n.url)).toContain(room?.node);
    expect(a.events('session.ended')).toEqual([]);
    a.close();
  });
});
