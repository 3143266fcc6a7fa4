import type { JanusHandle, MediaInfo } from './janus-handle.ts';
import type { AnswerJsep, IceCandidate, Jsep, OfferJsep, PluginData } from './janus-types.ts';
import { TypedEmitter } from '@parley/protocol';
import { reportTo } from '../util/listener-errors.ts';
import { SerialQueue } from '@parley/protocol';

/** One m-line of the subscriber PeerConnection and the feed it carries. */
export interface SubscriberStream {
  mid: string;
  /** The publisher's feed id; 0 for a slot without one (data channel, freed slot). */
  feedId: number;
  /** The mid of the stream in the publisher's own connection, when Janus names it. */
  feedMid?: string;
  type: 'audio' | 'video' | 'data';
  /** False once the feed stopped (publisher left or unsubscribed): the m-line stays, inactive. */
  active: boolean;
}

export interface SubscriptionChange {
  /** Janus's new offer for the browser, or null when nothing needs renegotiating. */
  offer: OfferJsep | null;
  /** Every stream of the subscription now, in m-line order. */
  streams: SubscriberStream[];
}

export interface JanusSubscriberEvents {
  webrtcup: [];
  hangup: [reason: string];
  /** Janus's own candidate, to forward to the browser; null = Janus gathered all. */
  trickle: [candidate: IceCandidate | null];
  media: [info: MediaInfo];
  /**
   * Janus changed the subscription by itself (e.g. a publisher left) and,
   * if `offer` is set, wants the browser to renegotiate: answer with `answer()`.
   */
  updated: [change: SubscriptionChange];
}

function toStreams(data: PluginData): SubscriberStream[] | undefined {
  if (!Array.isArray(data.streams)) return undefined;
  return (data.streams as Array<Record<string, unknown>>).map((s) => ({
    mid: String(s.mid),
    feedId: typeof s.feed_id === 'number' ? s.feed_id : 0,
    ...(typeof s.feed_mid === 'string' ? { feedMid: s.feed_mid } : {}),
    type: s.type === 'audio' || s.type === 'video' ? s.type : 'data',
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
export class JanusSubscriber extends TypedEmitter<JanusSubscriberEvents> {
  readonly roomId: number;
  readonly handle: JanusHandle;
  readonly #privateId: number | undefined;
  #streams: SubscriberStream[] = [];
  #joined = false;
  readonly #queue = new SerialQueue();
  #closing: Promise<void> | undefined;

  /** Made by `JanusRoom.createSubscriber()`. */
  constructor(handle: JanusHandle, roomId: number, opts: { privateId?: number } = {}) {
    super(reportTo(handle.log));
    this.handle = handle;
    this.roomId = roomId;
    this.#privateId = opts.privateId;
    handle.on('webrtcup', () => this.emit('webrtcup'));
    handle.on('hangup', (reason) => this.emit('hangup', reason));
    handle.on('trickle', (candidate) => this.emit('trickle', candidate));
    handle.on('media', (info) => this.emit('media', info));
    handle.on('event', (data, jsep) => {
      if (data.videoroom !== 'updated') return;
      this.#streams = toStreams(data) ?? this.#streams;
      this.emit('updated', { offer: toOffer(jsep), streams: this.streams });
    });
  }

  /** The current streams, as last reported by Janus. */
  get streams(): SubscriberStream[] {
    return this.#streams.map((s) => ({ ...s }));
  }

  get isJoined(): boolean {
    return this.#joined;
  }

  /**
   * Adds feeds (all their streams, or one `mid` of each). The first call
   * joins; later ones update. A feed that is not published yet fails with
   * MEDIA_ERROR (Janus 428).
   */
  subscribe(feeds: Array<{ feedId: number; mid?: string }>): Promise<SubscriptionChange> {
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
  unsubscribe(feedIds: number[]): Promise<SubscriptionChange> {
    return this.#queue.run(async () => {
      const known = feedIds.filter((id) => this.#streams.some((s) => s.feedId === id && s.active));
      if (!this.#joined || known.length === 0) return { offer: null, streams: this.streams };
      return this.#change({ request: 'update', unsubscribe: known.map((feed) => ({ feed })) });
    });
  }

  /** The browser's answer to Janus's last offer: starts (or resumes) the media. */
  answer(answer: AnswerJsep): Promise<void> {
    return this.#queue.run(async () => {
      await this.handle.message({ request: 'start' }, { type: 'answer', sdp: answer.sdp });
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
    this.#streams = toStreams(data) ?? this.#streams;
    return { offer: toOffer(jsep), streams: this.streams };
  }
}
