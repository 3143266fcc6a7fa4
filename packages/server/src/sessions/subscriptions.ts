/**
 * Keeps each participant's multistream subscription equal to "every
 * publication of everyone else". Each participant has one queue of its own (a
 * change waits for their client's answer, which must not hold up the session's
 * queue); a change marks them dirty and one reconcile brings the media plane,
 * and then the browser, up to date. A reconcile that fails is tried again a
 * few times (it compares what is wanted with what is received, so a second
 * try does only what the first left undone).
 */
import type { Logger } from 'pino';
import { DEFAULTS } from '../defaults.ts';
import type { MediaRoom, SubscriptionChange } from '../media/media-backend.ts';
import { QueuePerKey } from '../util/queue-per-key.ts';
import type { DescribeTrack } from './subscriber-video.ts';
import type { SessionParticipant } from './participant.ts';

/** What the manager needs of its session. */
export interface SubscriptionHost {
  /** Everyone in the session now (joined, or away within their grace period). */
  members(): Iterable<SessionParticipant>;
  /** The session's media room; undefined once it is gone. */
  room(): MediaRoom | undefined;
  /** Who publishes a received track, and as which publication. */
  describe: DescribeTrack;
}

export class SubscriptionManager {
  readonly #queues = new QueuePerKey<SessionParticipant>();
  readonly #dirty = new WeakSet<SessionParticipant>();
  /** Reconciles failed in a row, by participant. */
  readonly #failures = new WeakMap<SessionParticipant, number>();

  constructor(
    private readonly host: SubscriptionHost,
    private readonly log: Logger,
  ) {}

  /** Brings one participant's subscription up to date. */
  refresh(participant: SessionParticipant): void {
    if (this.#dirty.has(participant)) return; // a reconcile is queued already and will see this change
    this.#dirty.add(participant);
    void this.#queues.run(participant, async () => {
      this.#dirty.delete(participant);
      try {
        await this.#reconcile(participant);
        this.#failures.delete(participant);
      } catch (error) {
        this.#failed(participant, error);
      }
    });
  }

  /** A reconcile failed: it is tried again after the next pause of DEFAULTS.subscriptionRetryMs, or given up. */
  #failed(participant: SessionParticipant, error: unknown): void {
    // A participant who left mid-update is not a failure worth a warning, nor a retry.
    if (participant.state === 'left') {
      this.log.debug({ err: error, uid: participant.uid }, 'subscription update failed');
      return;
    }
    const failures = this.#failures.get(participant) ?? 0;
    const retryInMs = DEFAULTS.subscriptionRetryMs[failures];
    if (retryInMs === undefined) {
      this.#failures.delete(participant);
      this.log.warn({ err: error, uid: participant.uid, tries: failures + 1 }, 'subscription update failed: given up until the next change');
      return;
    }
    this.#failures.set(participant, failures + 1);
    this.log.warn({ err: error, uid: participant.uid, retryInMs }, 'subscription update failed: trying again');
    setTimeout(() => {
      // Only while they are still someone whose subscription is kept (not left, not waiting to publish in a room made anew).
      if ([...this.host.members()].includes(participant)) this.refresh(participant);
    }, retryInMs).unref();
  }

  /** Resolves once the changes queued for `participant` so far are done (their client answered, or it failed). */
  settled(participant: SessionParticipant): Promise<void> {
    return this.#queues.run(participant, () => undefined);
  }

  /**
   * The media server changed one participant's subscription by itself (Janus: a remote publisher
   * left): its offer goes to their client after the changes queued before it, and the next waits for the answer.
   */
  offerChange(participant: SessionParticipant, change: SubscriptionChange): void {
    void this.#queues
      .run(participant, async () => {
        if (participant.state !== 'left') await participant.offerSubscriptionChange(change, this.host.describe);
      })
      .catch((error: unknown) => {
        // Their leaving fails the offer waiting for their answer: expected, not worth a warning.
        const level = participant.state === 'left' ? 'debug' : 'warn';
        this.log[level]({ err: error, uid: participant.uid }, "offering the media server's change failed");
      });
  }

  /** ICE restart of one participant's subscriber connection, after the subscription changes queued before it. */
  restartIce(participant: SessionParticipant): Promise<void> {
    return this.#queues.run(participant, () => participant.restartSubscriberIce(this.host.describe));
  }

  /** Someone's publications changed: everyone else should receive them. */
  refreshAllBut(publisher: SessionParticipant): void {
    for (const p of this.host.members()) if (p !== publisher) this.refresh(p);
  }

  /**
   * A publisher renegotiated and publishes tracks it did not before (an audio
   * call switched to video): whoever receives its feed adds the new ones. The
   * media plane does not add them to existing subscriptions by itself.
   */
  addNewTracks(publisher: SessionParticipant): void {
    for (const p of this.host.members()) {
      if (p === publisher || !p.subscribedFeeds.has(publisher.feedId)) continue;
      void this.#queues
        .run(p, () => this.#addTracks(p, publisher))
        .catch((error: unknown) => this.log.warn({ err: error, uid: p.uid, feed: publisher.feedId }, 'adding new tracks failed'));
    }
  }

  /** A feed is gone: whoever received it drops it. */
  dropFeed(feedId: number): void {
    for (const p of this.host.members()) if (p.subscribedFeeds.has(feedId)) this.refresh(p);
  }

  async #addTracks(participant: SessionParticipant, publisher: SessionParticipant): Promise<void> {
    const room = this.host.room();
    if (participant.state === 'left' || !room || !participant.subscribedFeeds.has(publisher.feedId)) return;
    const received = participant.receivedTracks.filter((t) => t.feedId === publisher.feedId && t.active);
    // Which of the publisher's tracks this subscription lacks: by mid, or by kind where the backend names no mid.
    const byMid = received.every((t) => t.feedMid !== undefined);
    const have = new Set(received.map((t) => (byMid ? t.feedMid : t.kind)));
    const missing = publisher.publications.filter((p) => p.feedId === publisher.feedId && !have.has(byMid ? p.mid : p.kind));
    await participant.receive(
      missing.map((p) => ({ feedId: p.feedId, mid: p.mid })),
      room,
      this.host.describe,
    );
  }

  #wanted(participant: SessionParticipant): Set<number> {
    const feeds = new Set<number>();
    for (const other of this.host.members()) {
      if (other !== participant && other.state !== 'left') for (const feed of other.publishedFeeds) feeds.add(feed);
    }
    return feeds;
  }

  async #reconcile(participant: SessionParticipant): Promise<void> {
    const room = this.host.room();
    // Away (socket dropped, within grace): brought up to date when they resume.
    if (participant.state !== 'joined' || !room) return;
    const wanted = this.#wanted(participant);
    const subscribed = participant.subscribedFeeds;
    await participant.dropFeeds(
      [...subscribed].filter((f) => !wanted.has(f)),
      this.host.describe,
    );
    await participant.receive(
      [...wanted].filter((f) => !subscribed.has(f)).map((feedId) => ({ feedId })),
      room,
      this.host.describe,
    );
  }
}
