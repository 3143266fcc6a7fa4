/**
 * One session across two Janus nodes (issue 17.7), through the media backend as
 * sessions use it: a server's media plane on two real external nodes, one
 * participant per node. Ann fills node 1, so Bob goes to node 2; each
 * publishes there and receives the other on their own node; node 1 records
 * both; Bob leaving takes his feed out of node 1's room. A node going away
 * loses the whole room.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JanusNodes, startJanusNodes } from '../testing/janus-nodes.ts';
import { until } from '../testing/until.ts';
import { receiveThrough, sendThrough } from '../testing/werift-media.ts';
import { noopLogger } from '../util/logger.ts';
import { MediaPlane } from './media-plane.ts';
import { SpanningRoom } from './spanning-room.ts';

describe('a session spanning two Janus nodes', () => {
  let janus: JanusNodes;
  const ends: Array<{ close(): Promise<void> }> = [];
  let plane: MediaPlane;

  beforeAll(async () => {
    janus = await startJanusNodes(2);
    plane = await MediaPlane.start({
      janusUrls: janus.urls,
      janusAdminKey: janus.adminKey,
      dataDir: '/tmp',
      requestTimeoutMs: 10_000,
      participantsPerNode: 1,
      log: noopLogger,
    });
  }, 30_000);
  afterAll(async () => {
    for (const end of ends) await end.close();
    await plane?.close();
    await janus?.stop();
  });

  it('puts the second participant on the other node, and each receives the other', async () => {
    const room = await plane.createRoom('spanning-session');
    expect(room).toBeInstanceOf(SpanningRoom);
    const span = room as SpanningRoom;

    const annPublisher = await span.createPublisher({ feedId: 1, display: 'ann', participant: 'ann' });
    const ann = await sendThrough(annPublisher);
    ends.push(ann);
    expect(span.nodes).toEqual([janus.urls[0]]);

    const bobPublisher = await span.createPublisher({ feedId: 2, display: 'bob', participant: 'bob' });
    expect(span.nodes).toEqual(janus.urls);
    const bob = await sendThrough(bobPublisher);
    ends.push(bob);

    const annSees = await receiveThrough(await span.createSubscriber({ participant: 'ann' }), [2]);
    const bobSees = await receiveThrough(await span.createSubscriber({ participant: 'bob' }), [1]);
    ends.push(annSees, bobSees);
    await until(() => (annSees.received.get('2:video') ?? 0) > 10 && (bobSees.received.get('1:video') ?? 0) > 10, 'both receive each other across nodes', 10_000);
    expect((annSees.firstVideoAt.get(2) ?? 0) - annSees.connectedAt).toBeLessThan(1_000);
    expect((bobSees.firstVideoAt.get(1) ?? 0) - bobSees.connectedAt).toBeLessThan(1_000);

    // Recording runs on node 1, where Bob is a remote publisher: Janus writes his streams there too.
    const dir = await mkdtemp(join(tmpdir(), 'parley-span-rec-'));
    await span.startRecording(dir);
    await sleep(1_500);
    await span.stopRecording();
    const files = await readdir(dir);
    for (const feed of [1, 2]) {
      const own = files.filter((f) => f.includes(`-user-${feed}-`));
      expect(own.map((f) => f.replace(/.*-(audio|video)-.*/, '$1')).sort()).toEqual(['audio', 'video']);
      for (const f of own) expect((await stat(join(dir, f))).size).toBeGreaterThan(1_000);
    }
    await rm(dir, { recursive: true });

    // Bob leaves: his feed goes from node 1's room too.
    expect((await span.listParticipants()).map((p) => p.feedId).sort()).toEqual([1, 2]);
    await bobPublisher.close();
    let feeds = [1, 2];
    for (const deadline = Date.now() + 5_000; feeds.includes(2) && Date.now() < deadline; await sleep(50)) {
      feeds = (await span.listParticipants()).map((p) => p.feedId);
    }
    expect(feeds).toEqual([1]);
    await span.destroy();
  }, 60_000);

  it("loses the whole room when one of its nodes goes, and the next room is made on the nodes answering", async () => {
    const span = (await plane.createRoom('spanning-node-loss')) as SpanningRoom;
    await span.createSubscriber({ participant: 'ann' });
    await span.createSubscriber({ participant: 'bob' });
    expect(span.nodes).toEqual(janus.urls);
    let lost = false;
    span.on('lost', () => {
      lost = true;
    });
    janus.kill(1);
    await until(() => lost, 'the spread room lost with node 2', 5_000);
    // What is left on node 1 (the room, its copies of node 2's feeds) goes with it.
    await span.destroy().catch(() => undefined);
    const again = await plane.createRoom('spanning-node-loss');
    expect(again.node).toBe(janus.urls[0]);
    await again.destroy();
  }, 30_000);
});
