/**
 * What the server does with each SDK's `quality.sample`: keeps it for the
 * call's quality timeline (bounded per participant and paced, so a client
 * cannot fill the database), and tells the others the sender's score when it
 * changed (`participant.quality`), and a newcomer everyone's current score.
 * The join path never waits for any of it.
 */
import { type NetworkQuality, ParleyError, type QualitySample } from '@parley/protocol';
import type { Logger } from 'pino';
import { DEFAULTS } from '../defaults.ts';
import type { DomainEvent } from '../sessions/domain-events.ts';
import type { ParticipantView } from '../sessions/participant.ts';
import type { SessionView } from '../sessions/domain-events.ts';
import type { QualityStore } from './quality-store.ts';

export interface QualityLimits {
  /** Samples kept per participant (one stay); later ones are refused (`stored: false`). */
  maxSamplesPerParticipant: number;
  /** A sample sooner than this after the last one kept is dropped. */
  minSampleIntervalMs: number;
}

/** How much one participant has sent (per stay: a new join starts again). */
interface Tally {
  count: number;
  lastAt: number;
}

export class QualityService {
  readonly #tallies = new WeakMap<ParticipantView, Tally>();
  /** Each live session's latest score per participant, for newcomers. */
  readonly #scores = new Map<string, Map<string, NetworkQuality>>();

  constructor(
    private readonly store: QualityStore,
    private readonly log: Logger,
    private readonly limits: QualityLimits = DEFAULTS.quality,
    private readonly now: () => number = Date.now,
  ) {}

  /** A sample from `participant`'s connection, bound to `session`. */
  async record(session: SessionView, participant: ParticipantView, sample: QualitySample): Promise<{ stored: boolean }> {
    if (sample.sessionId !== session.sessionId) {
      throw new ParleyError('FORBIDDEN', 'A quality sample may only be about the session this connection joined');
    }
    this.#score(session, participant.uid, sample.quality);
    const now = this.now();
    const tally = this.#tallies.get(participant) ?? { count: 0, lastAt: -Infinity };
    if (tally.count >= this.limits.maxSamplesPerParticipant || now - tally.lastAt < this.limits.minSampleIntervalMs) return { stored: false };
    tally.count++;
    tally.lastAt = now;
    this.#tallies.set(participant, tally);
    await this.store.add(session.sessionId, participant.uid, {
      receivedAt: new Date(now),
      quality: sample.quality,
      intervalMs: sample.intervalMs,
      connections: sample.connections,
    });
    return { stored: true };
  }

  /** Someone joined: they hear everyone's current score (the others hear nothing new: their SDKs report changes only). */
  joined({ session }: DomainEvent<'participant.joined'>): void {
    for (const [uid, quality] of this.#scores.get(session.sessionId) ?? []) session.broadcast('participant.quality', { uid, quality }, uid);
  }

  left({ session, participant }: DomainEvent<'participant.left'>): void {
    this.#scores.get(session.sessionId)?.delete(participant.uid);
  }

  ended({ session }: DomainEvent<'session.ended'>): void {
    this.#scores.delete(session.sessionId);
  }

  #score(session: SessionView, uid: string, quality: NetworkQuality): void {
    const scores = this.#scores.get(session.sessionId) ?? new Map<string, NetworkQuality>();
    this.#scores.set(session.sessionId, scores);
    if (scores.get(uid) === quality) return;
    scores.set(uid, quality);
    this.log.debug({ sessionId: session.sessionId, uid, quality }, 'network quality changed');
    session.broadcast('participant.quality', { uid, quality }, uid);
  }
}
