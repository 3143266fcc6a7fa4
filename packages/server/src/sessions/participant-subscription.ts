/**
 * One participant's receiving side: their subscriber connection, the feeds it
 * carries, and the offer waiting for their client's answer. Each change is
 * offered to the client, and the next change waits for the answer to the
 * previous one (SubscriptionManager runs them one at a time per participant).
 */
import { ParleyError, type ServerEventName, type ServerEvents, type SubscriberStream } from '@parley/protocol';
import type { Logger } from 'pino';
import { DEFAULTS } from '../defaults.ts';
import type { AnswerJsep, ConnectionStats, IceCandidate, MediaSubscriber, ReceivedTrack, SubscriptionChange } from '../media/media-backend.ts';
import { type DescribeTrack, SubscriberVideo } from './subscriber-video.ts';

/** What the subscription needs of its participant. */
export interface SubscriptionOwner {
  readonly uid: string;
  readonly log: Logger;
  /** Sends to the participant's client if it is connected (an offer made while away is sent again on resume). */
  send<E extends ServerEventName>(event: E, data: ServerEvents[E]): void;
  /** The publishers of `feeds` should send a key frame now (someone starts receiving them). */
  keyFramesWanted(feeds: ReadonlySet<number>): void;
  /** The feed's publisher is in trouble on its own uplink: losses of its media are not this participant's. */
  senderInTrouble(feedId: number): boolean;
  /** The media server's view of the subscriber connection, without what senders in trouble lost (for the participant's network quality). */
  subscriberStats(stats: ConnectionStats): void;
  /** The media server changed the subscription by itself: `offerChange` it in turn with the participant's other changes. */
  subscriptionChanged(change: SubscriptionChange): void;
}

type Offer = ServerEvents['subscriber.offer'];

export class ParticipantSubscription {
  #subscriber: MediaSubscriber | undefined;
  readonly #feeds = new Set<number>();
  #pending: { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout; offer: Offer } | undefined;
  #closed = false;
  /** Connections the media server hung up: no ICE restart brings them back. */
  readonly #hungUp = new WeakSet<MediaSubscriber>();
  /** Which video, at which simulcast layer, each received feed sends (the client's views, the link's state). */
  readonly video: SubscriberVideo;

  constructor(private readonly owner: SubscriptionOwner) {
    this.video = new SubscriberVideo(owner);
  }

  /** The feeds the subscriber connection receives. */
  get feeds(): ReadonlySet<number> {
    return this.#feeds;
  }

  /** Media can flow to the client now (the connection came up, or back after an ICE restart): the feeds it receives send key frames. */
  mediaFlows(): void {
    this.video.askForKeyFrames(new Set(this.#feeds));
  }

  get tracks(): readonly ReceivedTrack[] {
    return this.#subscriber?.tracks ?? [];
  }

  /** Stops receiving these feeds, and offers the change. */
  async drop(feedIds: number[], describe: DescribeTrack): Promise<void> {
    if (!this.#subscriber || feedIds.length === 0) return;
    for (const f of feedIds) this.#feeds.delete(f);
    await this.#offer(await this.#subscriber.unsubscribe(feedIds), describe);
  }

  /** Receives these feeds (all their tracks, or the `mid` named), making the connection the first time; offers the change. */
  async add(feeds: Array<{ feedId: number; mid?: string }>, create: () => Promise<MediaSubscriber>, describe: DescribeTrack): Promise<void> {
    if (feeds.length === 0 || this.#closed) return;
    const subscriber = this.#subscriber ?? (await this.#connect(create));
    if (!subscriber) return;
    const change = await subscriber.subscribe(feeds);
    for (const f of feeds) this.#feeds.add(f.feedId);
    await this.#offer(change, describe);
  }

  /** The client's answer to the last offer. */
  async answer(answer: AnswerJsep): Promise<void> {
    if (!this.#subscriber) throw new ParleyError('INVALID_STATE', 'No subscriber offer was made');
    await this.#subscriber.answer(answer);
    const pending = this.#pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending = undefined;
    pending.resolve();
  }

  /** A change the media server made by itself (subscriptionChanged), offered like ours; resolves once answered. */
  offerChange(change: SubscriptionChange, describe: DescribeTrack): Promise<void> {
    if (!this.#subscriber) return Promise.resolve(); // the connection it changed is gone (room lost, or they left)
    return this.#offer(change, describe);
  }

  /**
   * ICE restart (the client's network changed): the media server offers new ICE
   * credentials on the same connection, with the same tracks; resolves once answered.
   */
  async restartIce(describe: DescribeTrack): Promise<void> {
    if (!this.#subscriber) throw new ParleyError('INVALID_STATE', 'No subscriber connection yet');
    // Janus forgets a connection it hung up (ICE failed, DTLS alert): it would hold a restart's offer
    // for an answer that never comes, and every change queued behind it would wait out Janus's timeout.
    if (this.#hungUp.has(this.#subscriber)) throw new ParleyError('MEDIA_ERROR', 'The media server hung up the receiving connection: replace it (media.replace)');
    const offer = await this.#subscriber.restartIce();
    await this.#offer({ offer, tracks: [...this.#subscriber.tracks] }, describe);
  }

  /** The client is back on a new connection: the offer still waiting for its answer goes out again. */
  resend(): void {
    if (this.#pending) this.owner.send('subscriber.offer', this.#pending.offer);
    this.video.resend();
  }

  async trickle(candidate: IceCandidate | null): Promise<void> {
    if (!this.#subscriber) throw new ParleyError('INVALID_STATE', 'No subscriber connection yet');
    await this.#subscriber.trickle(candidate);
  }

  /**
   * The media room was lost, and the subscriber connection with it: nothing is
   * received, an offer waiting for an answer fails, and the next change makes
   * a new connection (in the room made again).
   */
  reset(): void {
    const subscriber = this.#drop(new ParleyError('INVALID_STATE', 'The media room was made again'));
    void subscriber?.close();
  }

  /** Closes the subscriber connection; an offer waiting for an answer fails. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.video.close();
    await this.#drop(new ParleyError('SESSION_ENDED', 'The participant left'))?.close();
  }

  /** Forgets the connection, its feeds and the waiting offer (which fails with `reason`); returns the connection. */
  #drop(reason: ParleyError): MediaSubscriber | undefined {
    if (this.#pending) {
      clearTimeout(this.#pending.timer);
      this.#pending.reject(reason);
      this.#pending = undefined;
    }
    this.#feeds.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    this.video.attach(undefined);
    return subscriber;
  }

  async #connect(create: () => Promise<MediaSubscriber>): Promise<MediaSubscriber | undefined> {
    const subscriber = await create();
    if (this.#closed) {
      // They left while the connection was being made.
      await subscriber.close();
      return undefined;
    }
    subscriber.on('candidate', (candidate) => this.owner.send('trickle', { target: 'subscriber', candidate }));
    subscriber.on('connected', () => this.mediaFlows());
    subscriber.on('disconnected', (reason) => {
      this.#hungUp.add(subscriber);
      this.owner.log.info({ uid: this.owner.uid, reason }, 'subscriber hung up');
    });
    subscriber.on('slowLink', (info) => {
      this.owner.log.debug({ uid: this.owner.uid, ...info }, 'subscriber slow link');
      this.video.slowLink(info);
    });
    subscriber.on('updated', (change) => {
      if (this.#subscriber === subscriber) this.owner.subscriptionChanged(change);
    });
    subscriber.on('stats', (stats) => {
      // What the participant's own link did: without the m-lines of senders in trouble.
      const own = this.video.ownStats(stats);
      this.video.stats(own);
      this.owner.subscriberStats(own);
    });
    this.#subscriber = subscriber;
    this.video.attach(subscriber);
    return subscriber;
  }

  /**
   * Sends the offer and waits until the client answers (or times out). Without
   * a connection (socket dropped, within grace) the offer waits and is sent
   * when the participant resumes.
   */
  #offer(change: SubscriptionChange, describe: DescribeTrack): Promise<void> {
    this.video.tracksChanged(change.tracks, describe);
    if (!change.offer) return Promise.resolve();
    this.#pending?.reject(new ParleyError('INVALID_STATE', 'superseded by a newer offer'));
    if (this.#closed) return Promise.resolve();
    const offer: Offer = { jsep: change.offer, streams: streamMap(change.tracks, describe) };
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        reject(new ParleyError('REQUEST_TIMEOUT', 'The client did not answer the subscriber offer'));
      }, DEFAULTS.subscriberAnswerTimeoutMs);
      timer.unref();
      this.#pending = { resolve, reject, timer, offer };
      this.owner.send('subscriber.offer', offer);
    });
  }
}

/** The backend's track list, in the browser's terms: which mid carries whose publication. */
function streamMap(tracks: readonly ReceivedTrack[], describe: DescribeTrack): SubscriberStream[] {
  const out: SubscriberStream[] = [];
  for (const t of tracks) {
    if (t.kind === 'data') continue;
    const owner = describe(t);
    if (owner) out.push({ mid: t.mid, ...owner, kind: t.kind, active: t.active });
  }
  return out;
}
