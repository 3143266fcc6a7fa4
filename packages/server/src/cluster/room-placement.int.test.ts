/**
 * With two Janus nodes (JANUS_URLS), each new session's room goes to the node
 * with the fewest participants (then streams, then the first listed) — not
 * where its id hashes. One process, no Redis: its own count decides.
 * Runs inside the test network namespace (scripts/in-netns.sh).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JanusProcess } from '../media/janus-process.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { signCallToken } from '../tokens/call-token.ts';

describe('a server with two Janus nodes', () => {
  const nodes = [0, 1].map(() => new JanusProcess({ mediaInterface: process.env.PARLEY_MEDIA_INTERFACE, adminKey: 'placement-admin-key' }));
  const clients: TestSignalingClient[] = [];
  let server: TestServer;
  beforeAll(async () => {
    await Promise.all(nodes.map((n) => n.start()));
    server = await startTestServer({ JANUS_URLS: nodes.map((n) => n.url).join(','), JANUS_ADMIN_KEY: 'placement-admin-key' }, { media: true });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
    await Promise.all(nodes.map((n) => n.stop()));
  });

  async function join(uid: string, sessionId: string): Promise<void> {
    const { token } = await signCallToken(server.tokenSecret, 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
    const client = await TestSignalingClient.open(server.url);
    clients.push(client);
    const res = await client.request('join', { token, sessionId });
    if (!res.ok) throw new Error(JSON.stringify(res.error));
  }
  const nodeOf = (sessionId: string) => nodes.findIndex((n) => n.url === server.registry?.get(sessionId)?.room?.node);

  it('puts each new session on the node with the fewest participants', async () => {
    await join('ann', 'place-1');
    await join('ben', 'place-1');
    await join('cat', 'place-2');
    await join('dan', 'place-3');
    await join('eve', 'place-4');

    // place-1 (2 people) on the first node; place-2 and place-3 on the second while it has fewer;
    // place-4 finds 2 and 2 and no streams: the first listed.
    expect(['place-1', 'place-2', 'place-3', 'place-4'].map(nodeOf)).toEqual([0, 1, 1, 0]);
  });
});
