/**
 * What the media server tells a session of its participants' connections:
 * who talks, each connection's stats, whether a sender's media reaches it, and
 * when a subscriber connection came up. None of it changes session state, so
 * it is read here, outside the session's queue — and the first frame after a
 * connection comes up does not wait behind other steps for its key frame.
 */
import type { Logger } from 'pino';
import type { ActiveSpeaker } from './active-speaker.ts';
import type { DomainEvents, SessionView } from './domain-events.ts';
import { KeyFrameRequests } from './key-frame-requests.ts';
import type { ParticipantHooks, SessionParticipant } from './participant.ts';
import { SenderHealth } from './sender-health.ts';

/** The participant hooks answered here; the session answers the rest on its queue. */
export type ConnectionHooks = Pick<ParticipantHooks, 'keyFramesWanted' | 'talking' | 'connectionStats' | 'receiving' | 'senderInTrouble'>;

export class ConnectionObservers {
  /** Whose uplink is in trouble now, so their receivers' losses are not read as the receivers' own. */
  readonly #senders = new SenderHealth();
  readonly #keyFrames: KeyFrameRequests;
  readonly hooks: ConnectionHooks;

  constructor(
    session: SessionView,
    /** Everyone in the session now. */
    members: () => Iterable<SessionParticipant>,
    speaker: ActiveSpeaker,
    events: DomainEvents,
    log: Logger,
  ) {
    this.#keyFrames = new KeyFrameRequests(members, log);
    this.hooks = {
      keyFramesWanted: (_, feeds) => this.#keyFrames.forFeeds(feeds),
      talking: (p, talking) => {
        if (p.state !== 'left') speaker.talking(p.uid, talking);
      },
      connectionStats: (p, connection, stats) => {
        if (connection === 'publisher' && stats.received) this.#senders.uplinkLoss(p.feedId, stats.received.lossPercent);
        if (p.state !== 'left') void events.emit('participant.connectionStats', { session, participant: p, connection, stats });
      },
      receiving: (p, kind, receiving) => {
        const wasOut = this.#senders.inTrouble(p.feedId);
        this.#senders.receiving(p.feedId, kind, receiving);
        if (receiving && kind === 'video' && wasOut) this.#keyFrames.afterOutage(p);
      },
      senderInTrouble: (feedId) => this.#senders.inTrouble(feedId),
    };
  }

  /** They left: what was known of their uplink goes with them. */
  left(participant: SessionParticipant): void {
    this.#senders.forget(participant.feedId);
  }
}
