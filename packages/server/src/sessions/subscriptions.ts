/**
 * Keeps each participant's multistream subscription equal to "every feed that
 * others publish". Each participant has one queue; a change marks them dirty
 * and one reconcile brings Janus, and then the browser, up to date.
 */
import type { SubscriberStream } from '@parley/protocol';
import type { Logger } from 'pino';
import type { SubscriberStream as JanusStream } from '../media/index.ts';
import { SerialQueue } from '@parley/protocol';
import type { CallSession } from './call-session.ts';
import type { SessionParticipant } from './participant.ts';

export class SubscriptionManager {
  readonly #queues = new WeakMap<SessionParticipant, SerialQueue>();
  readonly #dirty = new WeakSet<SessionParticipant>();

  constructor(
    private readonly session: CallSession,
    private readonly log: Logger,
  ) {}

  /** Brings one participant's subscription up to date. */
  refresh(participant: SessionParticipant): void {
    if (this.#dirty.has(participant)) return; // a reconcile is queued already and will see this change
    this.#dirty.add(participant);
    let queue = this.#queues.get(participant);
    if (!queue) {
      queue = new SerialQueue();
      this.#queues.set(participant, queue);
    }
    void queue.run(async () => {
      this.#dirty.delete(participant);
      try {
        await this.#reconcile(participant);
      } catch (error) {
        // A participant who left mid-update is not a failure worth a warning.
        const level = participant.lifecycle.is('left') ? 'debug' : 'warn';
        this.log[level]({ err: error, uid: participant.uid }, 'subscription update failed');
      }
    });
  }

  /** A participant's media is up: everyone else should receive it. */
  refreshAllBut(publisher: SessionParticipant): void {
    for (const p of this.session.participants.values()) if (p !== publisher) this.refresh(p);
  }

  /**
   * A publisher renegotiated and may publish streams it did not before (an
   * audio call switched to video): whoever receives its feed adds the new ones.
   * Janus does not add them to existing subscriptions by itself.
   */
  addNewStreams(publisher: SessionParticipant): void {
    for (const p of this.session.participants.values()) {
      if (p === publisher || !p.subscribedFeeds.has(publisher.feedId)) continue;
      void this.#queueOf(p).run(async () => {
        try {
          await this.#addStreams(p, publisher);
        } catch (error) {
          this.log.warn({ err: error, uid: p.uid, feed: publisher.feedId }, 'adding new streams failed');
        }
      });
    }
  }

  async #addStreams(participant: SessionParticipant, publisher: SessionParticipant): Promise<void> {
    const subscriber = participant.subscriber;
    if (participant.lifecycle.is('left') || !subscriber || !publisher.publisher) return;
    if (!participant.subscribedFeeds.has(publisher.feedId)) return;
    const received = subscriber.streams.filter((s) => s.feedId === publisher.feedId && s.active);
    // Which of the publisher's streams this subscription lacks: by mid, or by kind where Janus names no mid.
    const byMid = received.every((s) => s.feedMid !== undefined);
    const have = new Set(received.map((s) => (byMid ? s.feedMid : s.type)));
    const missing = publisher.publisher.streams.filter((s) => (s.type === 'audio' || s.type === 'video') && !have.has(byMid ? s.mid : s.type));
    if (missing.length === 0) return;
    const { offer, streams } = await subscriber.subscribe(missing.map((s) => ({ feedId: publisher.feedId, mid: s.mid })));
    if (offer) await participant.offerToSubscriber(offer, this.#streams(streams));
  }

  #queueOf(participant: SessionParticipant): SerialQueue {
    let queue = this.#queues.get(participant);
    if (!queue) {
      queue = new SerialQueue();
      this.#queues.set(participant, queue);
    }
    return queue;
  }

  /** A feed is gone: whoever received it drops it. */
  dropFeed(feedId: number): void {
    for (const p of this.session.participants.values()) if (p.subscribedFeeds.has(feedId)) this.refresh(p);
  }

  #wanted(participant: SessionParticipant): Set<number> {
    const feeds = new Set<number>();
    for (const other of this.session.participants.values()) {
      if (other !== participant && other.publishing && other.lifecycle.is('joined', 'disconnected')) feeds.add(other.feedId);
    }
    return feeds;
  }

  async #reconcile(participant: SessionParticipant): Promise<void> {
    // Away (socket dropped, within grace): brought up to date when they resume.
    if (participant.lifecycle.is('left', 'disconnected') || !this.session.room) return;
    const wanted = this.#wanted(participant);
    const toDrop = [...participant.subscribedFeeds].filter((f) => !wanted.has(f));
    const toAdd = [...wanted].filter((f) => !participant.subscribedFeeds.has(f));

    if (toDrop.length > 0 && participant.subscriber) {
      for (const f of toDrop) participant.subscribedFeeds.delete(f);
      const { offer, streams } = await participant.subscriber.unsubscribe(toDrop);
      if (offer) await participant.offerToSubscriber(offer, this.#streams(streams));
    }
    if (toAdd.length === 0) return;
    if (!participant.subscriber) {
      const subscriber = await this.session.room.createSubscriber();
      participant.subscriber = subscriber;
      subscriber.on('trickle', (candidate) => participant.send('trickle', { target: 'subscriber', candidate }));
      subscriber.on('hangup', (reason) => this.log.info({ uid: participant.uid, reason }, 'subscriber hung up'));
    }
    const { offer, streams } = await participant.subscriber.subscribe(toAdd.map((feedId) => ({ feedId })));
    for (const f of toAdd) participant.subscribedFeeds.add(f);
    if (offer) await participant.offerToSubscriber(offer, this.#streams(streams));
  }

  /** Janus's stream list, in the browser's terms: which mid carries whose audio or video. */
  #streams(streams: readonly JanusStream[]): SubscriberStream[] {
    const out: SubscriberStream[] = [];
    for (const s of streams) {
      if (s.type !== 'audio' && s.type !== 'video') continue;
      const owner = this.session.publisherOf(s.feedId);
      if (!owner) continue;
      out.push({ mid: s.mid, uid: owner.uid, source: s.type === 'audio' ? 'microphone' : 'camera', kind: s.type, active: s.active });
    }
    return out;
  }
}
