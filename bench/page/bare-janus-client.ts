/**
 * Runs in a browser page with no Parley code: the baseline for the join
 * benchmark. It talks to Janus's WebSocket API itself and subscribes to one
 * publisher's feed the way any VideoRoom client would — create, attach the
 * videoroom plugin, `join` as a subscriber, answer with `start`, trickle both
 * ways — so the bench can set Janus's own cost beside Parley's. With
 * `publish`, it also does what a joining client must do besides receiving, at
 * the same moment: open its camera and microphone and publish them (in a room
 * of its own, so the call's participants are not asked to take it in).
 */
import { watchReceivingPeer } from './receiving-peer.ts';
import { Timeline } from './timeline.ts';

export const timeline = new Timeline();

export interface BareTarget {
  /** Janus's WebSocket API, e.g. ws://127.0.0.1:8188 */
  janusUrl: string;
  room: number;
  feed: number;
}

/** What the publishing variant sends, as the SDK would: its devices' constraints and its camera's layers. */
export interface BarePublish {
  /** The VideoRoom plugin's admin_key, to make the room it publishes in. */
  adminKey: string;
  audio: MediaTrackConstraints;
  /** Absent for an audio-only join. */
  video?: MediaTrackConstraints;
  encodings: RTCRtpEncodingParameters[];
}

interface JanusMessage {
  janus: string;
  transaction?: string;
  data?: { id: number };
  plugindata?: { data: Record<string, unknown> };
  jsep?: RTCSessionDescriptionInit;
  candidate?: RTCIceCandidateInit & { completed?: boolean };
  error?: { code: number; reason: string };
}

/** One WebSocket to Janus: requests matched to replies by transaction id, and Janus's trickled candidates. */
class JanusLink {
  readonly #ws: WebSocket;
  readonly #pending = new Map<string, { resolve: (m: JanusMessage) => void; reject: (e: Error) => void }>();
  #nextTransaction = 0;
  onCandidate: (candidate: RTCIceCandidateInit & { completed?: boolean }) => void = () => undefined;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.addEventListener('message', (event) => this.#receive(JSON.parse(String(event.data)) as JanusMessage));
  }

  static open(url: string): Promise<JanusLink> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'janus-protocol');
      ws.addEventListener('open', () => resolve(new JanusLink(ws)), { once: true });
      ws.addEventListener('error', () => reject(new Error(`cannot open ${url}`)), { once: true });
    });
  }

  /**
   * Resolves with Janus's reply: `success` for session requests, the plugin's
   * `event` for messages (after Janus's `ack`); rejects on `error`.
   */
  request(body: Record<string, unknown>): Promise<JanusMessage> {
    const transaction = this.#send(body);
    return new Promise((resolve, reject) => this.#pending.set(transaction, { resolve, reject }));
  }

  /** Sends without waiting for Janus's ack (trickle). */
  notify(body: Record<string, unknown>): void {
    this.#send(body);
  }

  close(): void {
    this.#ws.close();
  }

  #send(body: Record<string, unknown>): string {
    const transaction = `t${this.#nextTransaction++}`;
    this.#ws.send(JSON.stringify({ ...body, transaction }));
    return transaction;
  }

  #receive(message: JanusMessage): void {
    if (message.janus === 'trickle' && message.candidate) {
      this.onCandidate(message.candidate);
      return;
    }
    const waiting = message.transaction === undefined ? undefined : this.#pending.get(message.transaction);
    if (!waiting || message.janus === 'ack') return;
    this.#pending.delete(message.transaction as string);
    const pluginError = message.plugindata?.data.error;
    if (message.janus === 'error') waiting.reject(new Error(`janus ${message.error?.code}: ${message.error?.reason}`));
    else if (pluginError !== undefined) waiting.reject(new Error(`videoroom: ${String(pluginError)}`));
    else waiting.resolve(message);
  }
}

export interface BareSubscription {
  close(): Promise<void>;
}

/**
 * Subscribes to `target.feed`, and with `publish` publishes camera and
 * microphone beside it. The timeline starts just before the `join` request
 * (and the devices' request): the marks are offer, ice, dtls, audio and video,
 * and with `publish` also devices and publishSent.
 */
export async function subscribe(target: BareTarget, publish?: BarePublish): Promise<BareSubscription> {
  const janus = await JanusLink.open(target.janusUrl);
  const session_id = (await janus.request({ janus: 'create' })).data?.id;
  const attach = async () => (await janus.request({ janus: 'attach', session_id, plugin: 'janus.plugin.videoroom' })).data?.id;
  const handle_id = await attach();
  // Made ahead, as Parley's server keeps handles attached ahead (JanusHandlePool).
  const publisher = publish ? await preparePublisher(janus, session_id, await attach(), publish) : undefined;

  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  const stopWatching = watchReceivingPeer(pc, timeline);
  // Shown as a page would show it (and as the SDK's view does): the first frame's timestamps come from its <video>.
  pc.addEventListener('track', ({ track }) => {
    if (track.kind !== 'video') return;
    const video = document.createElement('video');
    Object.assign(video, { muted: true, autoplay: true, playsInline: true, width: 320, height: 180 });
    document.body.append(video);
    video.srcObject = new MediaStream([track]);
  });
  pc.addEventListener('icecandidate', (event) => {
    if (event.candidate) timeline.mark('candidateSent');
  });
  trickleTo(janus, session_id, handle_id, pc);
  // Janus may trickle before the offer is applied: hold its candidates until then.
  const early: RTCIceCandidateInit[] = [];
  janus.onCandidate = (candidate) => {
    if (candidate.completed) return;
    if (pc.remoteDescription) pc.addIceCandidate(candidate).catch(() => undefined);
    else early.push(candidate);
  };

  timeline.start();
  const publishing = publisher?.start();
  const joined = await janus.request({
    janus: 'message',
    session_id,
    handle_id,
    body: { request: 'join', ptype: 'subscriber', room: target.room, streams: [{ feed: target.feed }] },
  });
  if (joined.jsep?.type !== 'offer') throw new Error('Janus sent no offer for the subscription');
  timeline.mark('offer');
  await pc.setRemoteDescription(joined.jsep);
  for (const candidate of early) await pc.addIceCandidate(candidate);
  await pc.setLocalDescription(await pc.createAnswer());
  timeline.mark('answerSent');
  await janus.request({ janus: 'message', session_id, handle_id, body: { request: 'start' }, jsep: pc.localDescription });

  await publishing;

  return {
    async close() {
      stopWatching();
      pc.close();
      await publisher?.close();
      await janus.request({ janus: 'destroy', session_id }).catch(() => undefined);
      janus.close();
    },
  };
}

/** Sends `pc`'s candidates to its Janus handle as they are gathered, and the end of gathering. */
function trickleTo(janus: JanusLink, session_id: number | undefined, handle_id: number | undefined, pc: RTCPeerConnection): void {
  pc.addEventListener('icecandidate', (event) => {
    janus.notify({ janus: 'trickle', session_id, handle_id, candidate: event.candidate ?? { completed: true } });
  });
}

/** A publisher handle and a room of its own, ready; `start` opens the devices and publishes. */
async function preparePublisher(janus: JanusLink, session_id: number | undefined, handle_id: number | undefined, publish: BarePublish) {
  const room = Math.floor(Math.random() * 2 ** 40);
  await janus.request({
    janus: 'message',
    session_id,
    handle_id,
    body: { request: 'create', admin_key: publish.adminKey, room, permanent: false, is_private: true, publishers: 2, videocodec: 'vp8' },
  });
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  let stream: MediaStream | undefined;
  trickleTo(janus, session_id, handle_id, pc);
  return {
    async start(): Promise<void> {
      stream = await navigator.mediaDevices.getUserMedia({ audio: publish.audio, video: publish.video ?? false });
      timeline.mark('devices');
      for (const track of stream.getTracks()) {
        const encodings = track.kind === 'video' ? publish.encodings : undefined;
        pc.addTransceiver(track, { direction: 'sendonly', streams: [stream], ...(encodings ? { sendEncodings: encodings } : {}) });
      }
      await pc.setLocalDescription(await pc.createOffer());
      timeline.mark('publishSent');
      const answered = await janus.request({
        janus: 'message',
        session_id,
        handle_id,
        body: { request: 'joinandconfigure', ptype: 'publisher', room, audio: true, video: publish.video !== undefined },
        jsep: pc.localDescription,
      });
      if (answered.jsep?.type !== 'answer') throw new Error('Janus sent no answer to the publisher');
      await pc.setRemoteDescription(answered.jsep);
    },
    async close(): Promise<void> {
      for (const track of stream?.getTracks() ?? []) track.stop();
      pc.close();
      await janus.request({ janus: 'message', session_id, handle_id, body: { request: 'destroy', room } }).catch(() => undefined);
    },
  };
}
