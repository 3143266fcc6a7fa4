/**
 * Handles attached ahead across a Janus killed with SIGKILL: the lost room's
 * prepared handles are dropped with it, and the room the session makes again
 * on the restarted Janus prepares its own, which Janus knows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCallToken } from '../tokens/call-token.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { until } from '../testing/until.ts';
import { janusCodeOf } from './janus-errors.ts';
import { JanusRoom } from './janus-room.ts';

async function join(server: TestServer, uid: string, sessionId: string): Promise<TestSignalingClient> {
  const { token } = await signCallToken(server.tokenSecret, 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(server.url);
  const res = await client.request('join', { token, sessionId });
  if (!res.ok) throw new Error(JSON.stringify(res.error));
  return client;
}

describe('handles attached ahead when Janus is killed', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { media: true });
  });
  afterAll(() => server?.close());

  const roomOf = (sessionId: string): JanusRoom => {
    const room = server.registry?.get(sessionId)?.room;
    if (!(room instanceof JanusRoom)) throw new Error(`${sessionId} has no Janus room`);
    return room;
  };

  it('drops the dead ones, and the room made again prepares live ones on the new Janus', async () => {
    const a = await join(server, 'pool-a', 'pool-1');
    const before = roomOf('pool-1');
    await until(() => before.prepared.ready.length === 2, 'two handles prepared');
    const stale = [...before.prepared.ready];

    process.kill(server.media?.process?.pid as number, 'SIGKILL');
    await until(() => a.events('media.restart').length > 0, 'the session made its room again', 15_000);

    expect(stale.every((h) => h.isDetached)).toBe(true);
    expect(before.prepared.ready).toEqual([]);
    const after = roomOf('pool-1');
    expect(after).not.toBe(before);
    await until(() => after.prepared.ready.length === 2, 'two handles prepared on the new Janus');
    expect(after.prepared.ready.every((h) => h.session === after.janus && !h.isDetached)).toBe(true);
    expect(after.janus.isAlive).toBe(true);

    // The next connection is made on one of them, and the new Janus knows it: VideoRoom answers (no such feed, 428).
    const next = after.prepared.ready[0];
    const sub = await after.createSubscriber();
    expect(sub.handle).toBe(next);
    expect(janusCodeOf(await sub.subscribe([{ feedId: 4242 }]).catch((e: unknown) => e))).toBe(428);
    await sub.close();
    a.close();
  });
});
