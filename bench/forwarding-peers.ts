/**
 * Headless WebRTC participants for bench:forwarding (werift, no browser), who
 * join through Parley's real signaling: a dev-login auth token, a call token,
 * the SDK's protocol on /v1/ws (`join`, `publish`, `subscriber.offer` →
 * `subscriber.answer`, `trickle`). The publisher sends the RTP it is given;
 * each subscriber counts the RTP packets it receives, by kind, and how many
 * Janus sent it (from their sequence numbers).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TestSignalingClient } from '@parley/server/testing/signaling-client';
import { MediaStreamTrack, RTCPeerConnection, useNACK, useOPUS, usePLI, useREMB, useVP8 } from 'werift';
import { SequenceSpan } from './forwarding-math.ts';
import type { MediaKind } from './forwarding-source.ts';

const GATHER_TIMEOUT_MS = 5_000;
const OFFER_TIMEOUT_MS = 15_000;

const newPeer = () =>
  new RTCPeerConnection({
    codecs: { audio: [useOPUS()], video: [useVP8({ rtcpFeedback: [useNACK(), usePLI(), useREMB()] })] },
  });

/** Our candidates go in the SDP: wait until werift has gathered them. */
async function gathered(pc: RTCPeerConnection): Promise<void> {
  const deadline = Date.now() + GATHER_TIMEOUT_MS;
  while (pc.iceGatheringState !== 'complete' && Date.now() < deadline) await sleep(20);
}

async function postJson(url: string, body: unknown, bearer?: string): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function request(socket: TestSignalingClient, type: string, params: unknown): Promise<any> {
  const response = await socket.request(type, params);
  if (!response.ok) throw new Error(`${type} refused: ${JSON.stringify(response.error)}`);
  return response.result;
}

/** A joined participant's socket, with Janus's trickled candidates applied to `pc` for `target`. */
async function join(serverUrl: string, sessionId: string, uid: string, pc: RTCPeerConnection, target: string): Promise<TestSignalingClient> {
  const { authToken } = await postJson(`${serverUrl}/v1/dev/login`, { uid, name: uid });
  const { token } = await postJson(`${serverUrl}/v1/calls/tokens`, { sessionId }, authToken);
  const socket = await TestSignalingClient.open(serverUrl);
  socket.ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    if (frame.type === 'event' && frame.event === 'trickle' && frame.data.target === target && frame.data.candidate) {
      void pc.addIceCandidate(frame.data.candidate).catch(() => {});
    }
  });
  await request(socket, 'join', { token, sessionId });
  return socket;
}

export interface Participant {
  leave(): Promise<void>;
}

export interface Publisher extends Participant {
  /** Sends one RTP packet of the clip on the track of its kind. */
  send(kind: MediaKind, packet: Buffer): void;
  /** RTP packets sent so far, by kind. */
  readonly sent: Record<MediaKind, number>;
}

export interface Subscriber extends Participant {
  /** RTP packets received so far, by kind. */
  readonly received: Record<MediaKind, number>;
  /** RTP packets Janus sent it so far (its sequence numbers' advance, lost ones included). */
  sent(): number;
}

const leaver = (socket: TestSignalingClient, pc: RTCPeerConnection) => async () => {
  await socket.request('leave', {}).catch(() => {});
  socket.close();
  await pc.close();
};

/** Joins `sessionId` as `uid` and publishes a camera and a microphone (audio m-line first, as the SDK does). */
export async function publish(serverUrl: string, sessionId: string, uid: string): Promise<Publisher> {
  const pc = newPeer();
  const socket = await join(serverUrl, sessionId, uid, pc, 'publisher');
  const tracks = { audio: new MediaStreamTrack({ kind: 'audio' }), video: new MediaStreamTrack({ kind: 'video' }) };
  pc.addTransceiver(tracks.audio, { direction: 'sendonly' });
  pc.addTransceiver(tracks.video, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const { jsep } = await request(socket, 'publish', { jsep: { type: 'offer', sdp: pc.localDescription?.sdp } });
  await pc.setRemoteDescription(jsep);
  await request(socket, 'trickle', { target: 'publisher', candidate: null });
  const sent = { audio: 0, video: 0 };
  return {
    sent,
    send(kind, packet) {
      if (pc.connectionState !== 'connected') return;
      tracks[kind].writeRtp(packet);
      sent[kind]++;
    },
    leave: leaver(socket, pc),
  };
}

/** Joins `sessionId` as `uid`, answers the server's subscriber offers and counts what arrives. */
export async function subscribe(serverUrl: string, sessionId: string, uid: string): Promise<Subscriber> {
  const pc = newPeer();
  const received = { audio: 0, video: 0 };
  const spans: SequenceSpan[] = [];
  pc.onTrack.subscribe((track) => {
    const kind = track.kind as MediaKind;
    const span = new SequenceSpan();
    spans.push(span);
    track.onReceiveRtp.subscribe((rtp) => {
      received[kind]++;
      span.see(rtp.header.sequenceNumber);
    });
  });
  const socket = await join(serverUrl, sessionId, uid, pc, 'subscriber');
  const deadline = Date.now() + OFFER_TIMEOUT_MS;
  while (socket.events('subscriber.offer').length === 0) {
    if (Date.now() > deadline) throw new Error(`${uid}: no subscriber offer`);
    await sleep(20);
  }
  const offer = socket.events('subscriber.offer')[0].data.jsep;
  await pc.setRemoteDescription(offer);
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc);
  await request(socket, 'subscriber.answer', { jsep: { type: 'answer', sdp: pc.localDescription?.sdp } });
  await request(socket, 'trickle', { target: 'subscriber', candidate: null });
  return { received, sent: () => spans.reduce((n, s) => n + s.advanced, 0), leave: leaver(socket, pc) };
}
