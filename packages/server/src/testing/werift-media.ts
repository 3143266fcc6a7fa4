/**
 * Headless WebRTC ends for media-backend integration tests (werift, no browser):
 * a sender that publishes audio and video packets through a MediaPublisher, and a
 * receiver that subscribes through a MediaSubscriber and counts what arrives.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket, useOPUS, usePLI, useVP8 } from 'werift';
import type { MediaPublisher, MediaSubscriber, ReceivedTrack, SubscriptionChange } from '../media/media-backend.ts';
import { until } from './until.ts';

/** An Opus silence frame, and a VP8 payload (descriptor with S set, then bytes): Janus forwards both without decoding. */
const OPUS = Buffer.from([0xf8, 0xff, 0xfe]);
const VP8 = Buffer.from([0x10, 0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]);
const PACKET_EVERY_MS = 20;

/**
 * Host candidates, gathered at once. werift always asks a STUN server (stun.l.google.com when given none),
 * which nothing in the test namespace answers, and its gathering waited out a 5 s timeout for it on every
 * peer (with a DNS lookup blocking a libuv thread meanwhile): janus-subscriber.int.test.ts's four peers put
 * its cases at 20+ s of their 30 s. A loopback address instead (no lookup, nothing leaves), not waited for.
 */
export const HOST_CANDIDATES_ONLY = { iceServers: [{ urls: 'stun:127.0.0.1:9' }], iceStunGatherTimeout: 0 };

const newPeer = () =>
  new RTCPeerConnection({ ...HOST_CANDIDATES_ONLY, codecs: { audio: [useOPUS()], video: [useVP8({ rtcpFeedback: [usePLI()] })] } });

async function gathered(pc: RTCPeerConnection): Promise<string> {
  while (pc.iceGatheringState !== 'complete') await sleep(20);
  return pc.localDescription?.sdp ?? '';
}

export interface WeriftSender {
  /** The key frame requests (PLI) that reached it for its video. */
  readonly keyFrameRequests: () => number;
  /** Adds the video track (a renegotiation); for a sender made `audioFirst`. */
  addVideo(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishes through `publisher` and sends a packet of each kind every 20 ms once connected;
 * `audioFirst`: audio only at first, video added by `addVideo` (a renegotiation).
 */
export async function sendThrough(publisher: MediaPublisher, opts: { audioFirst?: boolean } = {}): Promise<WeriftSender> {
  const pc = newPeer();
  const audio = new MediaStreamTrack({ kind: 'audio' });
  const video = new MediaStreamTrack({ kind: 'video' });
  pc.addTransceiver(audio, { direction: 'sendonly' });
  let keyFrameRequests = 0;
  const sendVideo = () => pc.addTransceiver(video, { direction: 'sendonly' }).sender.onPictureLossIndication.subscribe(() => keyFrameRequests++);
  if (!opts.audioFirst) sendVideo();
  publisher.on('candidate', (c) => {
    if (c) void pc.addIceCandidate(c).catch(() => {});
  });
  await pc.setLocalDescription(await pc.createOffer());
  await pc.setRemoteDescription(await publisher.publish({ type: 'offer', sdp: await gathered(pc) }));
  await until(() => pc.connectionState === 'connected', 'the werift publisher connected', 10_000);
  let seq = 0;
  const timer = setInterval(() => {
    seq++;
    audio.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seq & 0xffff, timestamp: seq * 960, ssrc: 1 }), OPUS));
    video.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: seq & 0xffff, timestamp: seq * 1_800, ssrc: 2, marker: true }), VP8));
  }, PACKET_EVERY_MS);
  return {
    keyFrameRequests: () => keyFrameRequests,
    addVideo: async () => {
      sendVideo();
      await pc.setLocalDescription(await pc.createOffer());
      await pc.setRemoteDescription(await publisher.renegotiate({ type: 'offer', sdp: await gathered(pc) }));
    },
    close: async () => {
      clearInterval(timer);
      await pc.close();
    },
  };
}

export interface WeriftReceiver {
  /** RTP packets received so far, per feed and kind (`<feedId>:<kind>`). */
  readonly received: Map<string, number>;
  /** When the first video packet of each feed arrived (ms since the epoch). */
  readonly firstVideoAt: Map<number, number>;
  /**
   * When its connection first came up (ICE and DTLS done; 0 until then): the media server forwards from
   * then on. Timed from here, not from the answer, the first packet's wait leaves out werift's own
   * handshake — JavaScript crypto that took over a second on a loaded machine.
   */
  readonly connectedAt: number;
  readonly change: SubscriptionChange;
  /** Answers a later offer of the media server's (a change of the subscription); packets are counted by its tracks from then on. */
  renegotiate(change: SubscriptionChange): Promise<void>;
  close(): Promise<void>;
}

/** Which track each SSRC of the media server's offer carries (the offer lists an SSRC per m-line). */
function ssrcsOf(change: SubscriptionChange): Map<number, ReceivedTrack> {
  const out = new Map<number, ReceivedTrack>();
  for (const section of change.offer?.sdp.split(/\r\n(?=m=)/).slice(1) ?? []) {
    const track = change.tracks.find((t) => t.active && t.mid === /a=mid:(\S+)/.exec(section)?.[1]);
    for (const [, ssrc] of section.matchAll(/a=ssrc:(\d+) /g)) if (track) out.set(Number(ssrc), track);
  }
  return out;
}

/** Subscribes to `feedIds` through `subscriber` and counts the packets of each. */
export async function receiveThrough(subscriber: MediaSubscriber, feedIds: readonly number[]): Promise<WeriftReceiver> {
  const pc = newPeer();
  const received = new Map<string, number>();
  const firstVideoAt = new Map<number, number>();
  const change = await subscriber.subscribe(feedIds.map((feedId) => ({ feedId })));
  // Counted off the transport by SSRC, not by werift's tracks: a track keeps the SSRC it began with,
  // and drops the packets of another feed given its m-line by a renegotiation.
  let senders = new Map<number, ReceivedTrack>();
  const count = (packet: RtpPacket) => {
    const track = senders.get(packet.header.ssrc);
    if (!track) return;
    const key = `${track.feedId}:${track.kind}`;
    received.set(key, (received.get(key) ?? 0) + 1);
    if (track.kind === 'video' && !firstVideoAt.has(track.feedId)) firstVideoAt.set(track.feedId, Date.now());
  };
  subscriber.on('candidate', (c) => {
    if (c) void pc.addIceCandidate(c).catch(() => {});
  });
  const answer = async (next: SubscriptionChange): Promise<void> => {
    if (!next.offer) throw new Error('the subscription came without an offer');
    await pc.setRemoteDescription(next.offer);
    if (next === change) pc.getTransceivers()[0]?.dtlsTransport.onRtp.subscribe(count); // one transport (BUNDLE), made by the first offer
    await pc.setLocalDescription(await pc.createAnswer());
    const sdp = await gathered(pc);
    senders = ssrcsOf(next);
    await subscriber.answer({ type: 'answer', sdp });
  };
  let connectedAt = 0;
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'connected' && connectedAt === 0) connectedAt = Date.now();
  });
  await answer(change);
  return {
    received,
    firstVideoAt,
    get connectedAt() {
      return connectedAt;
    },
    change,
    renegotiate: answer,
    close: () => pc.close(),
  };
}
