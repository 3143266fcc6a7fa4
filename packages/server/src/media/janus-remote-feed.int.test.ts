/**
 * A publisher on one Janus node seen on another (issue 17.7), against two real
 * Janus processes: a werift peer publishes audio and video in the session's room
 * on node 1, its feed is made a remote publisher of the session's room on node 2,
 * and a subscriber there receives its packets — and its key frame requests reach
 * the publisher on node 1 (the forwarder's RTCP port).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../testing/until.ts';
import { receiveThrough, sendThrough } from '../testing/werift-media.ts';
import { noopLogger } from '../util/logger.ts';
import { JanusClient } from './janus-client.ts';
import { JanusProcess } from './janus-process.ts';
import { JanusRemoteFeed } from './janus-remote-feed.ts';
import { JanusRoom } from './janus-room.ts';
import type { JanusSession } from './janus-session.ts';

interface Node {
  janus: JanusProcess;
  client: JanusClient;
  session: JanusSession;
}

describe('a publisher forwarded to another Janus node (two real Janus)', () => {
  const nodes: Node[] = [];
  const ends: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const janus = new JanusProcess({ mediaInterface: process.env.PARLEY_MEDIA_INTERFACE });
      await janus.start();
      const client = await JanusClient.connect(janus.url);
      nodes.push({ janus, client, session: await client.createSession() });
    }
  }, 30_000);
  afterAll(async () => {
    for (const end of ends) await end.close();
    for (const n of nodes) {
      await n.session.destroy().catch(() => {});
      await n.client.close();
      await n.janus.stop();
    }
  });

  it("lets a subscriber on node 2 receive a node-1 publisher's media, and its key frame requests reach the publisher", async () => {
    const [one, two] = nodes as [Node, Node];
    const source = await JanusRoom.create(one.session, { roomId: 7_701, description: 'span', adminKey: one.janus.adminKey });
    const target = await JanusRoom.create(two.session, { roomId: 7_702, description: 'span', adminKey: two.janus.adminKey });

    // Ann publishes on node 1; her feed becomes a remote publisher of the session's room on node 2, under the same id.
    const publisher = await source.createPublisher({ feedId: 11, display: 'ann' });
    const ann = await sendThrough(publisher);
    ends.push(ann);
    const feed = await JanusRemoteFeed.open({ publisher, source, target, targetAddress: two.janus.mediaAddress, log: noopLogger });
    // Janus answers add_remote_publisher before its room's list shows the participant (as with removing it, below).
    await expect.poll(() => target.listParticipants(), { timeout: 2_000 }).toEqual([expect.objectContaining({ feedId: 11, publisher: true, display: 'ann' })]);

    // Bob subscribes to it on node 2.
    const requestsBefore = ann.keyFrameRequests();
    const subscriber = await target.createSubscriber();
    const bob = await receiveThrough(subscriber, [11]);
    ends.push(bob);
    expect(bob.change.tracks.filter((t) => t.feedId === 11).map((t) => t.kind).sort()).toEqual(['audio', 'video']);
    await until(() => (bob.received.get('11:audio') ?? 0) > 10 && (bob.received.get('11:video') ?? 0) > 10, "bob received ann's audio and video across nodes", 10_000);
    // Node 2 asked ann for a key frame for its new subscriber, over the forwarder's RTCP port.
    await until(() => ann.keyFrameRequests() > requestsBefore, 'a key frame request reached ann on node 1', 5_000);
    expect((bob.firstVideoAt.get(11) ?? 0) - bob.connectedAt).toBeLessThan(1_000);

    // Closing the feed stops the forwarding and takes ann out of node 2's room.
    await feed.close();
    // Janus answers remove_remote_publisher before its room's list has let go of the participant.
    await expect.poll(() => target.listParticipants(), { timeout: 2_000 }).toEqual([]);
    const countAfterClose = bob.received.get('11:video') ?? 0;
    await sleep(500);
    expect((bob.received.get('11:video') ?? 0) - countAfterClose).toBeLessThan(5);
    await feed.close();
    await subscriber.close();
    await source.destroy();
    await target.destroy();
  }, 60_000);

  it("carries a video track the publisher adds later, once the remote copy is updated", async () => {
    const [one, two] = nodes as [Node, Node];
    const source = await JanusRoom.create(one.session, { roomId: 7_711, description: 'span', adminKey: one.janus.adminKey });
    const target = await JanusRoom.create(two.session, { roomId: 7_712, description: 'span', adminKey: two.janus.adminKey });
    const publisher = await source.createPublisher({ feedId: 21, display: 'dan' });
    const dan = await sendThrough(publisher, { audioFirst: true });
    ends.push(dan);
    const feed = await JanusRemoteFeed.open({ publisher, source, target, targetAddress: two.janus.mediaAddress, log: noopLogger });

    await dan.addVideo();
    await feed.update();
    const eve = await receiveThrough(await target.createSubscriber(), [21]);
    ends.push(eve);
    expect(eve.change.tracks.filter((t) => t.feedId === 21).map((t) => t.kind).sort()).toEqual(['audio', 'video']);
    await until(() => (eve.received.get('21:video') ?? 0) > 10, "eve received dan's added video across nodes", 10_000);
    await feed.close();
    await source.destroy();
    await target.destroy();
  }, 60_000);
});
