/**
 * A publisher on one Janus node seen on another (issue 17.7), against two real
 * Janus processes: a werift peer publishes audio and video in the session's room
 * on node 1, its feed is made a remote publisher of the session's room on node 2,
 * and a subscriber there receives its packets — and its key frame requests reach
 * the publisher on node 1 (the forwarder's RTCP port).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket, useOPUS, usePLI, useVP8 } from 'werift';
import { noopLogger } from '../util/logger.ts';
import { until } from '../testing/until.ts';
import { JanusClient } from './janus-client.ts';
import { JanusProcess } from './janus-process.ts';
import { JanusRemoteFeed } from './janus-remote-feed.ts';
import { JanusRoom } from './janus-room.ts';
import type { JanusSession } from './janus-session.ts';

/** An Opus silence frame, and a VP8 payload (descriptor with S set, then bytes): Janus forwards both without decoding. */
const OPUS = Buffer.from([0xf8, 0xff, 0xfe]);
const VP8 = Buffer.from([0x10, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]);

interface Node {
  janus: JanusProcess;
  client: JanusClient;
  session: JanusSession;
}

const newPeer = () => new RTCPeerConnection({ codecs: { audio: [useOPUS()], video: [useVP8({ rtcpFeedback: [usePLI()] })] } });

async function gathered(pc: RTCPeerConnection): Promise<string> {
  while (pc.iceGatheringState !== 'complete') await sleep(20);
  return pc.localDescription?.sdp ?? '';
}

describe('a publisher forwarded to another Janus node (two real Janus)', () => {
  const nodes: Node[] = [];
  const peers: RTCPeerConnection[] = [];
  const timers: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const janus = new JanusProcess({ mediaInterface: process.env.PARLEY_MEDIA_INTERFACE });
      await janus.start();
      const client = await JanusClient.connect(janus.url);
      nodes.push({ janus, client, session: await client.createSession() });
    }
  }, 30_000);
  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    for (const pc of peers) await pc.close();
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

    // Ann publishes on node 1.
    const publisher = await source.createPublisher({ feedId: 11, display: 'ann' });
    const annPc = newPeer();
    peers.push(annPc);
    const audio = new MediaStreamTrack({ kind: 'audio' });
    const video = new MediaStreamTrack({ kind: 'video' });
    annPc.addTransceiver(audio, { direction: 'sendonly' });
    const videoSender = annPc.addTransceiver(video, { direction: 'sendonly' }).sender;
    let keyFrameRequests = 0;
    videoSender.onPictureLossIndication.subscribe(() => keyFrameRequests++);
    publisher.on('candidate', (c) => {
      if (c) void annPc.addIceCandidate(c).catch(() => {});
    });
    await annPc.setLocalDescription(await annPc.createOffer());
    await annPc.setRemoteDescription(await publisher.publish({ type: 'offer', sdp: await gathered(annPc) }));
    await until(() => annPc.connectionState === 'connected', 'ann connected to node 1', 10_000);
    let seq = 0;
    timers.push(
      setInterval(() => {
        seq++;
        audio.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seq & 0xffff, timestamp: seq * 960, ssrc: 1 }), OPUS));
        video.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: seq & 0xffff, timestamp: seq * 1_800, ssrc: 2, marker: true }), VP8));
      }, 20),
    );

    // Her feed becomes a remote publisher of the session's room on node 2, under the same feed id.
    const feed = await JanusRemoteFeed.open({ publisher, source, target, targetAddress: two.janus.mediaAddress, log: noopLogger });
    expect(await target.listParticipants()).toEqual([expect.objectContaining({ feedId: 11, publisher: true, display: 'ann' })]);

    // Bob subscribes to it on node 2.
    const subscriber = await target.createSubscriber();
    const bobPc = newPeer();
    peers.push(bobPc);
    const received = { audio: 0, video: 0 };
    let firstVideoAt = 0;
    bobPc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe(() => {
        received[track.kind as 'audio' | 'video']++;
        if (track.kind === 'video' && firstVideoAt === 0) firstVideoAt = Date.now();
      });
    });
    subscriber.on('candidate', (c) => {
      if (c) void bobPc.addIceCandidate(c).catch(() => {});
    });
    const change = await subscriber.subscribe([{ feedId: 11 }]);
    expect(change.tracks.filter((t) => t.feedId === 11).map((t) => t.kind).sort()).toEqual(['audio', 'video']);
    const requestsBefore = keyFrameRequests;
    await bobPc.setRemoteDescription(change.offer!);
    await bobPc.setLocalDescription(await bobPc.createAnswer());
    const answeredAt = Date.now();
    await subscriber.answer({ type: 'answer', sdp: await gathered(bobPc) });
    await until(() => received.audio > 10 && received.video > 10, "bob received ann's audio and video across nodes", 10_000);
    // Node 2 asked ann for a key frame for its new subscriber, over the forwarder's RTCP port.
    await until(() => keyFrameRequests > requestsBefore, 'a key frame request reached ann on node 1', 5_000);
    expect(firstVideoAt - answeredAt).toBeLessThan(1_000);

    // Closing the feed stops the forwarding and takes ann out of node 2's room.
    await feed.close();
    expect(await target.listParticipants()).toEqual([]);
    const countAfterClose = received.video;
    await sleep(500);
    expect(received.video - countAfterClose).toBeLessThan(5);
    await feed.close();
    await subscriber.close();
    await source.destroy();
    await target.destroy();
  }, 60_000);
});
