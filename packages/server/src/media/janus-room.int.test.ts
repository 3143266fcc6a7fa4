import { isParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../defaults.ts';
import { freeze } from '../testing/frozen-process.ts';
import { until } from '../testing/until.ts';
import { useRealJanus } from '../testing/real-janus.ts';
import { JanusClient } from './janus-client.ts';
import { JanusProcess } from './janus-process.ts';
import { janusCodeOf } from './janus-errors.ts';
import { iceUfragOf } from './janus-publisher.ts';
import { JanusRoom } from './janus-room.ts';
import { JanusSubscriber } from './janus-subscriber.ts';

/**
 * A browser-like offer (Opus + VP8, sendonly). Janus negotiates it without
 * any media or a real DTLS peer, which is all these tests need. Another
 * `ufrag` (and so password) is what a browser restarting ICE offers.
 */
function fakeOffer(ufrag = 'pAr1'): { type: 'offer'; sdp: string } {
  const fingerprint = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase()).join(':');
  const common = [
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${ufrag}`,
    `a=ice-pwd:${ufrag}parleyparleyparley`,
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fingerprint}`,
    'a=setup:actpass',
  ];
  const sdp = [
    'v=0',
    'o=- 1234567890 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=msid-semantic: WMS s',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    ...common,
    'a=mid:0',
    'a=sendonly',
    'a=msid:s a',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=ssrc:1111 cname:parley',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    ...common,
    'a=mid:1',
    'a=sendonly',
    'a=msid:s v',
    'a=rtcp-mux',
    'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 nack',
    'a=rtcp-fb:96 nack pli',
    'a=ssrc:2222 cname:parley',
    '',
  ].join('\r\n');
  return { type: 'offer', sdp };
}

/** What a browser answers to one of Janus's subscriber offers: each m-line received, first codec only. */
function answerTo(offer: string): { type: 'answer'; sdp: string } {
  const fingerprint = Array.from({ length: 32 }, (_, i) => (i * 5 + 17).toString(16).toUpperCase()).join(':');
  const media = offer.split(/\r\n(?=m=)/).slice(1);
  const mids = media.map((m) => /a=mid:(\S+)/.exec(m)?.[1]);
  const sections = media.flatMap((m) => {
    const [mline = '', ...lines] = m.split('\r\n');
    const [, head, pt] = /^(m=\S+ 9 \S+ )(\d+)/.exec(mline) ?? [];
    return [
      `${head}${pt}`,
      'c=IN IP4 0.0.0.0',
      `a=mid:${/a=mid:(\S+)/.exec(m)?.[1]}`,
      'a=recvonly',
      'a=rtcp-mux',
      'a=ice-ufrag:brws',
      'a=ice-pwd:browserbrowserbrowser1',
      `a=fingerprint:sha-256 ${fingerprint}`,
      'a=setup:active',
      ...lines.filter((l) => l.startsWith(`a=rtpmap:${pt} `)),
    ];
  });
  const sdp = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', `a=group:BUNDLE ${mids.join(' ')}`, ...sections, ''].join('\r\n');
  return { type: 'answer', sdp };
}

let nextRoom = 1000;

describe('JanusRoom (real Janus)', () => {
  const real = useRealJanus();
  const { janus } = real;

  const create = (opts: Partial<Parameters<typeof JanusRoom.create>[1]> = {}) =>
    JanusRoom.create(real.session, { roomId: ++nextRoom, description: 'test', adminKey: janus.adminKey, ...opts });

  it('creates a room, lists no participants, destroys it twice without error', async () => {
    const room = await create();
    await expect(room.listParticipants()).resolves.toEqual([]);
    await room.destroy();
    await room.destroy();
    // Janus no longer knows it: a second room object with the same id can be made.
    const again = await create({ roomId: room.id });
    await again.destroy();
  });

  it('refuses a wrong admin key with MEDIA_ERROR carrying Janus code 433', async () => {
    const err = await create({ adminKey: 'wrong' }).catch((e: unknown) => e);
    expect(isParleyError(err, 'MEDIA_ERROR')).toBe(true);
    expect((err as { details: { janusCode: number } }).details.janusCode).toBe(433);
    expect((err as Error).message).toMatch(/433/);
  });

  it('refuses a room id that exists (427)', async () => {
    const room = await create();
    const err = await create({ roomId: room.id }).catch((e: unknown) => e);
    expect((err as { details: { janusCode: number } }).details.janusCode).toBe(427);
    await room.destroy();
  });

  it('subscribing to a feed that does not exist gives MEDIA_ERROR 428', async () => {
    const room = await create();
    const sub = await room.createSubscriber();
    const err = await sub.subscribe([{ feedId: 4242 }]).catch((e: unknown) => e);
    expect(isParleyError(err, 'MEDIA_ERROR')).toBe(true);
    expect((err as { details: { janusCode: number } }).details.janusCode).toBe(428);
    expect(sub.isJoined).toBe(false);
    await expect(sub.unsubscribe([4242])).resolves.toEqual({ offer: null, tracks: [] });
    await sub.close();
    await sub.close();
    await room.destroy();
  });

  it('publishes an offer and gets an answer offering the media address', async () => {
    const room = await create();
    const pub = await room.createPublisher({ feedId: 7, display: 'Ada' });
    const answer = await pub.publish(fakeOffer());
    expect(answer.type).toBe('answer');
    expect(answer.sdp).toContain('m=audio');
    expect(answer.sdp).toContain('VP8/90000');
    const participants = await room.listParticipants();
    expect(participants).toEqual([expect.objectContaining({ feedId: 7, display: 'Ada' })]);
    await pub.setMediaEnabled({ audio: false });
    await pub.setMediaEnabled({ audio: true, video: false });
    await pub.trickle({ candidate: `candidate:1 1 udp 2122260223 ${janus.mediaAddress} 50000 typ host`, sdpMid: '0' });
    await pub.trickle(null);
    await pub.close();
    await pub.close();
    await expect(room.listParticipants()).resolves.toEqual([]);
    await room.destroy();
  });

  it('makes rooms that tell publishers who talks, by the thresholds in DEFAULTS', async () => {
    const room = await create();
    const admin = await real.session.attach('janus.plugin.videoroom');
    const { list } = await admin.request({ request: 'list', admin_key: janus.adminKey });
    await admin.detach();
    const listed = (list as Array<Record<string, unknown>>).find((r) => r.room === room.id);
    expect(listed).toMatchObject({
      audiolevel_ext: true,
      audiolevel_event: true,
      audio_active_packets: DEFAULTS.talkingWindowPackets,
      audio_level_average: DEFAULTS.talkingLevelDbov,
      max_publishers: DEFAULTS.maxParticipantsPerSession,
    });
    await room.destroy();
  });

  it("restarts a publisher's ICE on an offer with new credentials, answering with new ones of its own", async () => {
    const room = await create();
    const pub = await room.createPublisher({ feedId: 9, display: 'Cy' });
    const first = await pub.publish(fakeOffer('pAr1'));
    const restarted = await pub.restartIce(fakeOffer('pAr2'));
    expect(iceUfragOf(restarted.sdp)).toBeDefined();
    expect(iceUfragOf(restarted.sdp)).not.toBe(iceUfragOf(first.sdp));
    expect(isParleyError(await pub.restartIce(fakeOffer('pAr2')).catch((e: unknown) => e), 'VALIDATION_FAILED')).toBe(true);
    await room.destroy();
  });

  it("restarts a subscriber's ICE: Janus offers again with new credentials, and takes the answer", async () => {
    // A room with Janus's dummy publisher: something to subscribe to without a browser sending media.
    const roomId = ++nextRoom;
    const admin = await real.session.attach('janus.plugin.videoroom');
    await admin.request({ request: 'create', admin_key: janus.adminKey, room: roomId, permanent: false, dummy_publisher: true });
    const { participants } = await admin.request({ request: 'listparticipants', room: roomId });
    const dummy = (participants as Array<{ id: number }>)[0]?.id as number;
    const sub = new JanusSubscriber(await real.session.attach('janus.plugin.videoroom'), roomId);
    const { offer } = await sub.subscribe([{ feedId: dummy }]);
    expect(offer).not.toBeNull();
    const unjoined = new JanusSubscriber(await real.session.attach('janus.plugin.videoroom'), roomId);
    expect(isParleyError(await unjoined.restartIce().catch((e: unknown) => e), 'INVALID_STATE')).toBe(true); // nothing to restart yet
    await unjoined.close();

    await sub.answer(answerTo(offer?.sdp ?? ''));
    const again = await sub.restartIce();
    expect(iceUfragOf(again.sdp)).toBeDefined();
    expect(iceUfragOf(again.sdp)).not.toBe(iceUfragOf(offer?.sdp ?? ''));
    await sub.answer(answerTo(again.sdp));
    await sub.close();
    await admin.request({ request: 'destroy', room: roomId, admin_key: janus.adminKey });
    await admin.detach();
  });

  it('toggles recording with the room secret', async () => {
    const room = await create();
    await room.setRecording(true);
    await room.setRecording(false);
    await room.destroy();
  });

  it('makes connections on handles attached ahead, and attaches the next ones in the background', async () => {
    const room = await create();
    await until(() => room.prepared.ready.length === 2, 'two handles prepared');
    const prepared = room.prepared.ready.map((h) => h.id);
    const pub = await room.createPublisher({ feedId: 5, display: 'Eve' });
    await pub.publish(fakeOffer());
    const sub = await room.createSubscriber();
    expect([pub.handle.id, sub.handle.id]).toEqual(prepared);
    // Both handles are live in Janus: the publisher's answered, and VideoRoom itself answers the subscriber
    // (its feed has no media yet: 428), where a handle Janus does not know would fail in the core.
    expect(janusCodeOf(await sub.subscribe([{ feedId: 5 }]).catch((e: unknown) => e))).toBe(428);

    await until(() => room.prepared.ready.length === 2, 'the pool refilled');
    const next = [...room.prepared.ready];
    expect(next.map((h) => h.id)).not.toContain(pub.handle.id);
    expect(next.map((h) => h.id)).not.toContain(sub.handle.id);
    await room.destroy();
    expect(next.every((h) => h.isDetached)).toBe(true);
  });

  it('destroying a room closes the handles it made', async () => {
    const room = await create();
    const pub = await room.createPublisher({ feedId: 8, display: 'Bob' });
    const sub = await room.createSubscriber();
    await room.destroy();
    expect(pub.handle.isDetached).toBe(true);
    expect(sub.handle.isDetached).toBe(true);
  });
});

describe('JanusClient against a Janus that goes away', () => {
  it('rejects pending requests with MEDIA_UNAVAILABLE', async () => {
    const janus = new JanusProcess({ mediaInterface: process.env.PARLEY_MEDIA_INTERFACE });
    await janus.start();
    try {
      const client = await JanusClient.connect(janus.url);
      const session = await client.createSession();
      const closed = new Promise<void>((resolve) => session.once('closed', resolve));
      const pid = janus.pid as number;
      await freeze(pid); // the request can not be answered …
      const pending = session.attach('janus.plugin.videoroom').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 100));
      process.kill(pid, 'SIGKILL'); // … and then Janus is gone
      const err = await pending;
      expect(isParleyError(err, 'MEDIA_UNAVAILABLE')).toBe(true);
      await closed;
      expect(session.isAlive).toBe(false);
    } finally {
      await janus.stop();
    }
  });
});
