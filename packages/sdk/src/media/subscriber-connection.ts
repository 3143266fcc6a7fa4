/**
 * Every remote feed, on one peer connection: the server offers (again) when
 * the set of feeds changes; offers are answered one at a time, and each
 * transceiver's mid is mapped to its participant and publication, so each
 * remote participant gets one MediaStream, and each of their publications
 * (camera, microphone, screen) one of its own, whose tracks follow the offers.
 */
import { type IceCandidate, type Jsep, type PublicationSource, SerialQueue, type SubscriberStream } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';
import type { MediaHandler } from './media-handler.ts';
import { PeerConnection, type PeerEvents } from './peer-connection.ts';
import { RemoteStreams } from './remote-streams.ts';

export interface SubscriberSignaling {
  answer(answer: Jsep): Promise<unknown>;
  /** Asks for an ICE restart: the media server's new offer then comes like any other (handleOffer). */
  restartIce(): Promise<unknown>;
  trickle(candidate: IceCandidate): Promise<unknown>;
}

/** One publication of a remote participant. */
export interface Publication {
  uid: string;
  source: PublicationSource;
}

export type SubscriberEvents = PeerEvents & {
  /** A participant's stream (all their tracks) appeared or its tracks changed; null when it went away. */
  streamChanged: [uid: string, stream: MediaStream | null];
  /** One publication's stream appeared or its tracks changed; null when it went away. */
  publicationChanged: [publication: Publication, stream: MediaStream | null];
  /** Our answer to an offer went out, and our first ICE candidate after it (or the wait for it ended). */
  answered: [];
};

export class SubscriberConnection extends PeerConnection<SubscriberEvents> {
  readonly #offers = new SerialQueue();
  readonly #byUser: RemoteStreams<string>;
  readonly #byPublication: RemoteStreams<Publication>;
  /** Each receiving track in a stream now, by track id, with the publication it carries. */
  readonly #owners = new Map<string, { track: MediaStreamTrack; publication: Publication }>();
  #midToUid = new Map<string, string>();

  readonly #signaling: SubscriberSignaling;

  constructor(handler: MediaHandler, signaling: SubscriberSignaling, rtcConfig?: RTCConfiguration) {
    super('subscriber', handler, (candidate) => signaling.trickle(candidate), rtcConfig);
    this.#signaling = signaling;
    const createStream = () => handler.createMediaStream();
    this.#byUser = new RemoteStreams((uid) => uid, createStream);
    this.#byPublication = new RemoteStreams((p) => `${p.source}:${p.uid}`, createStream);
  }

  /** Queues an offer from the server; resolves when it has been answered. */
  handleOffer(offer: Jsep, streams: SubscriberStream[]): Promise<void> {
    return this.#offers.run(() => this.#answer(offer, streams));
  }

  /** ICE restart (the network path was lost): the server has the media server offer new ICE credentials. */
  async restartIce(): Promise<void> {
    if (!this.isClosed) await this.#signaling.restartIce();
  }

  /** A participant's camera and microphone tracks together (their screen share is a publication stream of its own). */
  getStream(uid: string): MediaStream | undefined {
    return this.#byUser.get(uid);
  }

  /** One publication's tracks (as publicationChanged gave them). */
  getPublicationStream(publication: Publication): MediaStream | undefined {
    return this.#byPublication.get(publication);
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
      const taken = this.#signaling.answer({ type: 'answer', sdp: answer.sdp ?? '' });
      // Our candidates may follow the answer at once: the subscriber handle exists, and Janus
      // keeps candidates that come before the answer it belongs to. Waiting for the server's
      // acknowledgement would hold ICE back by a round trip through Janus.
      this.candidates.openLocal();
      // Chromium hands a connection's candidates to the page on its main thread, and drawing the new
      // streams (media elements loading, styles) and our publisher's start take that thread for tens
      // of ms: a first candidate held behind them reached Janus 25-30 ms after the answer in
      // bench:join, 3-5 ms on a bare page, and Janus starts its checks only once it has one. Later
      // offers reuse the transport: one was sent long ago, and this does not wait.
      await this.candidates.localSent(DEFAULTS.firstCandidateMaxMs);
      if (this.isClosed) return; // closed while it waited: its streams are gone already (onClosed)
      this.emit('answered');
      // The app hears of the new streams (and draws them) once the answer is on its way, not before.
      this.#reconcile(streams);
      await taken;
    } catch (error) {
      if (this.isClosed) return;
      this.markFailed();
      throw error;
    }
  }

  /** Puts each receiving track in its participant's and its publication's stream, and drops what went inactive. */
  #reconcile(streams: SubscriberStream[]): void {
    const active = new Map<string, SubscriberStream>();
    this.#midToUid = new Map();
    for (const s of streams) {
      this.#midToUid.set(s.mid, s.uid);
      if (s.active) active.set(s.mid, s);
    }
    const wanted = new Map<string, { track: MediaStreamTrack; publication: Publication }>();
    for (const t of this.pc.getTransceivers()) {
      const s = t.mid === null ? undefined : active.get(t.mid);
      const track = t.receiver.track;
      if (s && track) wanted.set(track.id, { track, publication: { uid: s.uid, source: s.source } });
    }
    // Take out tracks that are gone or now carry another publication.
    for (const [trackId, { track, publication }] of [...this.#owners]) {
      const next = wanted.get(trackId)?.publication;
      if (next?.uid === publication.uid && next.source === publication.source) continue;
      if (publication.source !== 'screen') this.#byUser.remove(publication.uid, track);
      this.#byPublication.remove(publication, track);
      this.#owners.delete(trackId);
    }
    // Put in the new ones.
    for (const [trackId, owner] of wanted) {
      if (this.#owners.has(trackId)) continue;
      // A participant's stream is their camera and microphone; a screen share comes only as a publication of its own.
      if (owner.publication.source !== 'screen') this.#byUser.add(owner.publication.uid, owner.track);
      this.#byPublication.add(owner.publication, owner.track);
      this.#owners.set(trackId, owner);
    }
    for (const { key, stream } of this.#byPublication.takeChanges()) this.emit('publicationChanged', key, stream);
    for (const { key, stream } of this.#byUser.takeChanges()) this.emit('streamChanged', key, stream);
  }

  protected override onClosed(): void {
    const publications = this.#byPublication.clear();
    const uids = this.#byUser.clear();
    this.#owners.clear();
    for (const publication of publications) this.emit('publicationChanged', publication, null);
    for (const uid of uids) this.emit('streamChanged', uid, null);
  }
}
