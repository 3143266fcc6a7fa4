/**
 * Every remote feed, on one peer connection: the server offers (again) when
 * the set of feeds changes; offers are answered one at a time, and each
 * transceiver's mid is mapped to its participant so each remote participant
 * gets one MediaStream whose tracks follow the offers.
 */
import { type IceCandidate, type Jsep, SerialQueue, type SubscriberStream } from '@parley/protocol';
import type { MediaHandler } from './media-handler.ts';
import { PeerConnection, type PeerEvents } from './peer-connection.ts';

export interface SubscriberSignaling {
  answer(answer: Jsep): Promise<unknown>;
  trickle(candidate: IceCandidate): Promise<unknown>;
}

export type SubscriberEvents = PeerEvents & {
  /** A participant's stream appeared or its tracks changed; null when it went away. */
  streamChanged: [uid: string, stream: MediaStream | null];
};

export class SubscriberConnection extends PeerConnection<SubscriberEvents> {
  readonly #offers = new SerialQueue();
  readonly #streams = new Map<string, MediaStream>();
  /** The track each participant's stream holds, by track id → uid. */
  readonly #owners = new Map<string, string>();
  #midToUid = new Map<string, string>();

  constructor(
    private readonly handler: MediaHandler,
    private readonly signaling: SubscriberSignaling,
    rtcConfig?: RTCConfiguration,
  ) {
    super('subscriber', handler, (candidate) => signaling.trickle(candidate), rtcConfig);
  }

  /** Queues an offer from the server; resolves when it has been answered. */
  handleOffer(offer: Jsep, streams: SubscriberStream[]): Promise<void> {
    return this.#offers.run(() => this.#answer(offer, streams));
  }

  getStream(uid: string): MediaStream | undefined {
    return this.#streams.get(uid);
  }

  get streams(): ReadonlyMap<string, MediaStream> {
    return this.#streams;
  }

  /** The participant a transceiver's mid carries, per the latest offer. */
  uidForMid(mid: string): string | undefined {
    return this.#midToUid.get(mid);
  }

  async #answer(offer: Jsep, streams: SubscriberStream[]): Promise<void> {
    if (this.isClosed) return;
    this.markConnecting();
    try {
      await this.pc.setRemoteDescription(offer);
      await this.candidates.flushRemote();
      const answer = await this.pc.createAnswer();
      if (this.isClosed) return;
      await this.pc.setLocalDescription(answer);
      this.#reconcile(streams);
      await this.signaling.answer({ type: 'answer', sdp: answer.sdp ?? '' });
      this.candidates.openLocal();
    } catch (error) {
      if (this.isClosed) return;
      this.markFailed();
      throw error;
    }
  }

  /** Puts each receiving track in its participant's stream, and drops what went inactive. */
  #reconcile(streams: SubscriberStream[]): void {
    const active = new Map<string, string>();
    this.#midToUid = new Map();
    for (const s of streams) {
      this.#midToUid.set(s.mid, s.uid);
      if (s.active) active.set(s.mid, s.uid);
    }
    const changed = new Set<string>();
    const wanted = new Map<string, { track: MediaStreamTrack; uid: string }>();
    for (const t of this.pc.getTransceivers()) {
      const uid = t.mid === null ? undefined : active.get(t.mid);
      const track = t.receiver.track;
      if (uid && track) wanted.set(track.id, { track, uid });
    }
    // Remove tracks that are gone or now belong to someone else.
    for (const [trackId, uid] of [...this.#owners]) {
      if (wanted.get(trackId)?.uid === uid) continue;
      const stream = this.#streams.get(uid);
      const track = stream?.getTracks().find((x) => x.id === trackId);
      if (stream && track) stream.removeTrack(track);
      this.#owners.delete(trackId);
      changed.add(uid);
    }
    // Add the new ones.
    for (const [trackId, { track, uid }] of wanted) {
      if (this.#owners.get(trackId) === uid) continue;
      let stream = this.#streams.get(uid);
      if (!stream) {
        stream = this.handler.createMediaStream();
        this.#streams.set(uid, stream);
      }
      stream.addTrack(track);
      this.#owners.set(trackId, uid);
      changed.add(uid);
    }
    for (const uid of changed) {
      const stream = this.#streams.get(uid);
      if (stream && stream.getTracks().length === 0) {
        this.#streams.delete(uid);
        this.emit('streamChanged', uid, null);
      } else if (stream) this.emit('streamChanged', uid, stream);
    }
  }

  protected override onClosed(): void {
    const uids = [...this.#streams.keys()];
    this.#streams.clear();
    this.#owners.clear();
    for (const uid of uids) this.emit('streamChanged', uid, null);
  }
}
