import { ParleyError, SerialQueue, TypedEmitter } from '@parley/protocol';
import { reportTo } from '../util/listener-errors.ts';
import type { JanusHandle } from './janus-handle.ts';
import type { MediaSubscriber, ReceivedTrack, SubscriberEvents, SubscriptionChange, VideoStreamSetting } from './media-backend.ts';
import type { AnswerJsep, IceCandidate, Jsep, OfferJsep, PluginData } from './janus-types.ts';
import { LinkLossMeter } from './link-loss.ts';

function toTracks(data: PluginData): ReceivedTrack[] | undefined {
  if (!Array.isArray(data.streams)) return undefined;
  return (data.streams as Array<Record<string, unknown>>).map((s) => ({
    mid: String(s.mid),
    feedId: typeof s.feed_id === 'number' ? s.feed_id : 0,
    ...(typeof s.feed_mid === 'string' ? { feedMid: s.feed_mid } : {}),
    kind: s.type === 'audio' || s.type === 'video' ? s.type : 'data',
    active: s.active !== false,
  }));
}

function toOffer(jsep: Jsep | undefined): OfferJsep | null {
  return jsep?.type === 'offer' && typeof jsep.sdp === 'string' ? { type: 'offer', sdp: jsep.sdp } : null;
}

/**
 * One participant's receiving PeerConnection: a multistream subscriber
 * handle whose set of feeds grows and shrinks by renegotiation.
 * Calls are serialized, because each one depends on the handle's state
 * (joined or not) that the previous one leaves.
 */
export class JanusSubscriber extends TypedEmitter<SubscriberEvents> implements MediaSubscriber {
  readonly roomId: number;
  readonly handle: JanusHandle;
  readonly #privateId: number | undefined;
  #tracks: ReceivedTrack[] = [];
  #joined = false;
  readonly #queue = new SerialQueue();
  #closing: Promise<void> | undefined;

  /** Made by `JanusRoom.createSubscriber()`. */
  constructor(handle: JanusHandle, roomId: number, opts: { privateId?: number } = {}) {
    super(reportTo(handle.log));
    this.handle = handle;
    this.roomId = roomId;
    this.#privateId = opts.privateId;
    handle.on('webrtcup', () => this.emit('connected'));
    handle.on('hangup', (reason) => this.emit('disconnected', reason));
    handle.on('trickle', (candidate) => this.emit('candidate', candidate));
    handle.on('slowlink', (info) => this.emit('slowLink', info));
    // Loss per interval from the running counts: Janus's own figure lags, and lies after a pause (link-loss.ts).
    const losses = new LinkLossMeter();
    handle.on('stats', (stats) => this.emit('stats', losses.measure(stats)));
    // Janus's own changes: a remote publisher removed (another node's participant left), or, after an answer,
    // an update it held while its previous offer waited for one (janus-subscriber.int.test.ts).
    handle.on('event', (data, jsep) => {
      if (data.videoroom !== 'updated') return;
      this.#tracks = toTracks(data) ?? this.#tracks;
      this.emit('updated', { offer: toOffer(jsep), tracks: this.tracks });
    });
  }

  /** The current tracks, as last reported by Janus. */
  get tracks(): ReceivedTrack[] {
    return this.#tracks.map((t) => ({ ...t }));
  }

  get isJoined(): boolean {
    return this.#joined;
  }

  /**
   * Adds feeds (all their streams, or one `mid` of each). The first call
   * joins; later ones update. A feed that is not published yet fails with
   * MEDIA_ERROR (Janus 428).
   */
  subscribe(feeds: ReadonlyArray<{ feedId: number; mid?: string }>): Promise<SubscriptionChange> {
    const list = feeds.map((f) => (f.mid === undefined ? { feed: f.feedId } : { feed: f.feedId, mid: f.mid }));
    return this.#queue.run(async () => {
      if (!this.#joined) {
        const body: Record<string, unknown> = {
          request: 'join',
          ptype: 'subscriber',
          room: this.roomId,
          use_msid: true,
          streams: list,
          ...(this.#privateId === undefined ? {} : { private_id: this.#privateId }),
        };
        const result = await this.#change(body);
        this.#joined = true;
        return result;
      }
      return this.#change({ request: 'update', subscribe: list });
    });
  }

  /** Removes all streams of these feeds; a null offer means nothing changed. */
  unsubscribe(feedIds: readonly number[]): Promise<SubscriptionChange> {
    return this.#queue.run(async () => {
      // By our own m-lines, not by feed: Janus skips a feed whose publisher it is still tearing down (left,
      // not yet cleaned up), and that feed's m-lines would stay active (janus-subscriber.int.test.ts).
      const gone = new Set(feedIds);
      const mids = this.#tracks.filter((t) => gone.has(t.feedId) && t.active && t.kind !== 'data').map((t) => t.mid);
      if (!this.#joined || mids.length === 0) return { offer: null, tracks: this.tracks };
      return this.#change({ request: 'update', unsubscribe: mids.map((mid) => ({ sub_mid: mid })) });
    });
  }

  /** The browser's answer to Janus's last offer: starts (or resumes) the media. */
  answer(answer: AnswerJsep): Promise<void> {
    return this.#queue.run(async () => {
      await this.handle.message({ request: 'start' }, { type: 'answer', sdp: answer.sdp });
    });
  }

  /**
   * What each video m-line sends: a `configure` naming each mid, with `send` and the simulcast
   * `substream` (Janus asks the publisher for a key frame of a new substream and switches on it).
   * Sent in turn, after the join or update that made these m-lines; but what is queued after it
   * does not wait for Janus's reply (Janus handles a handle's messages in the order sent anyway):
   * a join's first settings come between the offer and the browser's answer, and the answer
   * is what starts ICE.
   */
  async setVideo(streams: readonly VideoStreamSetting[]): Promise<void> {
    const sent = await this.#queue.run(async () => {
      if (!this.#joined || streams.length === 0) return undefined;
      const list = streams.map((s) => ({ mid: s.mid, send: s.send, ...(s.layer === undefined ? {} : { substream: s.layer }) }));
      return { reply: this.handle.message({ request: 'configure', streams: list }) };
    });
    await sent?.reply;
  }

  /**
   * Janus makes a new offer with new ICE credentials (`configure` with
   * `restart`); the browser answers it like any other, with `answer()`.
   * Janus sends it only once the previous offer was answered.
   */
  restartIce(): Promise<OfferJsep> {
    return this.#queue.run(async () => {
      if (!this.#joined) throw new ParleyError('INVALID_STATE', 'Nothing is subscribed yet: there is no ICE to restart');
      const { offer } = await this.#change({ request: 'configure', restart: true });
      if (!offer) throw new ParleyError('MEDIA_ERROR', 'Janus answered an ICE restart without an offer');
      return offer;
    });
  }

  /** A candidate of the browser's; null once it has gathered all. */
  trickle(candidate: IceCandidate | null): Promise<void> {
    return this.handle.trickle(candidate);
  }

  /** Leaves and detaches. Idempotent, never rejects. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#queue.idle();
      if (this.#joined && !this.handle.isDetached) {
        await this.handle.request({ request: 'leave' }).catch(() => undefined);
      }
      await this.handle.detach();
    })();
    return this.#closing;
  }

  async #change(body: Record<string, unknown>): Promise<SubscriptionChange> {
    const { data, jsep } = await this.handle.message(body);
    this.#tracks = toTracks(data) ?? this.#tracks;
    return { offer: toOffer(jsep), tracks: this.tracks };
  }
}
