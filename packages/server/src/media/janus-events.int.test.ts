/**
 * Janus's own view of a connection, against a real Janus: the generated config
 * turns its WebSocket event handler on, it connects to the server's loopback
 * events endpoint, and a publisher that sends audio (a werift peer, no browser)
 * gets stats on its handle — what Janus received from it, per second.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket, useOPUS } from 'werift';
import { useRealJanus } from '../testing/real-janus.ts';
import { until } from '../testing/until.ts';
import { HOST_CANDIDATES_ONLY } from '../testing/werift-media.ts';
import { JanusRoom } from './janus-room.ts';
import type { ConnectionStats } from './media-backend.ts';

/** An Opus silence frame (TOC 0xf8: 20 ms CELT): Janus forwards and counts it without decoding. */
const SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

describe("Janus's event handler (real Janus)", () => {
  const real = useRealJanus();
  const peers: RTCPeerConnection[] = [];
  afterAll(async () => {
    for (const pc of peers) await pc.close();
  });

  it("reports a publisher's received media on its handle, every stats period", async () => {
    const events = real.janus.events;
    expect(events?.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/janus-events\/./);
    events?.on('stats', ({ sessionId, handleId, stats }) => {
      if (sessionId === real.session.id) real.session.deliverStats(handleId, stats);
    });
    const room = await JanusRoom.create(real.session, { roomId: 9_101, description: 'events', adminKey: real.janus.adminKey });
    const publisher = await room.createPublisher({ feedId: 5, display: 'ann' });
    const seen: ConnectionStats[] = [];
    publisher.on('stats', (s) => seen.push(s));

    const pc = new RTCPeerConnection({ ...HOST_CANDIDATES_ONLY, codecs: { audio: [useOPUS()] } });
    peers.push(pc);
    const track = new MediaStreamTrack({ kind: 'audio' });
    pc.addTransceiver(track, { direction: 'sendonly' });
    publisher.on('candidate', (c) => {
      if (c) void pc.addIceCandidate(c).catch(() => {});
    });
    await pc.setLocalDescription(await pc.createOffer());
    while (pc.iceGatheringState !== 'complete') await sleep(20);
    const answer = await publisher.publish({ type: 'offer', sdp: pc.localDescription?.sdp ?? '' });
    await pc.setRemoteDescription(answer);
    await until(() => pc.connectionState === 'connected', 'the publisher connected', 10_000);

    let seq = 0;
    const sending = setInterval(() => {
      seq++;
      track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seq & 0xffff, timestamp: seq * 960, ssrc: 1 }), SILENCE));
    }, 20);
    try {
      // Janus counts the bytes of the last second: the first reading with media may hold only part of a second of it.
      await until(() => seen.filter((s) => (s.received?.bytesPerSecond ?? 0) > 0).length >= 2, 'two readings with received media', 15_000);
    } finally {
      clearInterval(sending);
    }
    const received = seen.filter((s) => s.received).at(-1)?.received;
    // 50 packets a second of 3-byte Opus (plus RTP and its extensions): a few kB/s, nothing lost on loopback.
    expect(received?.bytesPerSecond).toBeGreaterThan(500);
    expect(received?.lossPercent).toBeLessThan(5);
    expect(seen.every((s) => s.sent === undefined)).toBe(true);
    expect(events?.rejected).toBe(0);
    await room.destroy();
  }, 40_000);
});
