/**
 * Simulcast against a real Janus: a publisher offering its video in three rid
 * layers the way Chromium does (f, h, q, highest first) is answered with the
 * three layers taken, and a subscriber's per-m-line `configure` (stop, or one
 * substream) is accepted as MediaSubscriber.setVideo sends it (on Janus's dummy
 * publisher: a feed without a browser).
 */
import { describe, expect, it } from 'vitest';
import { useRealJanus } from '../testing/real-janus.ts';
import { JanusRoom } from './janus-room.ts';
import { JanusSubscriber } from './janus-subscriber.ts';

/** Chromium's offer for a camera with sendEncodings f/h/q (VP8), trimmed to what Janus reads. */
function simulcastOffer(): { type: 'offer'; sdp: string } {
  const fingerprint = Array.from({ length: 32 }, (_, i) => (i * 3 + 16).toString(16).toUpperCase()).join(':');
  const sdp = [
    'v=0',
    'o=- 99 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS s',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:sImU',
    'a=ice-pwd:simulcastsimulcastsimul',
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fingerprint}`,
    'a=setup:actpass',
    'a=mid:0',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
    'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
    'a=sendonly',
    'a=msid:s v',
    'a=rtcp-mux',
    'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 nack',
    'a=rtcp-fb:96 nack pli',
    'a=rid:f send',
    'a=rid:h send',
    'a=rid:q send',
    'a=simulcast:send f;h;q',
    '',
  ].join('\r\n');
  return { type: 'offer', sdp };
}

let nextRoom = 7000;

describe('simulcast (real Janus)', () => {
  const real = useRealJanus();
  const { janus } = real;

  it('answers a three-layer VP8 publisher taking all three layers', async () => {
    const room = await JanusRoom.create(real.session, { roomId: ++nextRoom, description: 'simulcast', adminKey: janus.adminKey });
    const publisher = await room.createPublisher({ feedId: 42, display: 'ann' });
    const answer = await publisher.publish(simulcastOffer());
    expect(answer.sdp).toMatch(/a=simulcast:recv f;h;q/);
    for (const rid of ['f', 'h', 'q']) expect(answer.sdp).toContain(`a=rid:${rid} recv`);
    await room.destroy();
  });

  it('takes a subscriber stopping one m-line\'s video and picking a layer for it', async () => {
    // Janus's dummy publisher: a feed to subscribe to without a browser sending media.
    const roomId = ++nextRoom;
    const admin = await real.session.attach('janus.plugin.videoroom');
    await admin.request({ request: 'create', admin_key: janus.adminKey, room: roomId, permanent: false, dummy_publisher: true });
    const { participants } = await admin.request({ request: 'listparticipants', room: roomId });
    const dummy = (participants as Array<{ id: number }>)[0]?.id as number;
    const subscriber = new JanusSubscriber(await real.session.attach('janus.plugin.videoroom'), roomId);
    const { tracks } = await subscriber.subscribe([{ feedId: dummy }]);
    const mid = tracks.find((t) => t.kind === 'video')?.mid;
    expect(mid).toBeDefined();
    await expect(subscriber.setVideo([{ mid: mid ?? '', send: false }])).resolves.toBeUndefined();
    await expect(subscriber.setVideo([{ mid: mid ?? '', send: true, layer: 0 }])).resolves.toBeUndefined();
    await subscriber.close();
    await admin.request({ request: 'destroy', room: roomId, admin_key: janus.adminKey });
    await admin.detach();
  });
});
