/**
 * What the server does with each SDK's `quality.sample`: keeps it for the
 * call's quality timeline (bounded per participant and paced, so a client
 * cannot fill the database), and tells the others the sender's score when it
 * changed (`participant.quality`), and a newcomer everyone's current score.
 * Someone whose samples stop (their socket is gone, their page froze) is
 * told as `lost` (0) once none came for `staleAfterMs`. The join path never
 * waits for any of it.
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
  /** No sample from someone for this long: the others hear their quality as 0 (lost). */
  staleAfterMs: number;
}

/** A live session's latest scores, by uid, with when each was last reported. */
interface SessionScores {
  session: SessionView;
  scores: Map<string, { quality: NetworkQuality; at: number }>;
}

/** How much one participant has sent (per stay: a new join starts again). */
interface Tally {
  count: number;
  lastAt: number;
}

export class QualityService {
  readonly #tallies = new WeakMap<ParticipantView, Tally>();
  /** Each live session's latest score per participant, for newcomers and the stale sweep. */
  readonly #sessions = new Map<string, SessionScores>();
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly store: QualityStore,
    private readonly log: Logger,
    private readonly limits: QualityLimits = DEFAULTS.quality,
    private readonly now: () => number = Date.now,
  ) {}

  /** Looks for people whose samples stopped every `everyMs`, until closed. */
  start(everyMs: number): void {
    if (this.#sweeper) return;
    this.#sweeper = setInterval(() => this.sweep(), everyMs);
    this.#sweeper.unref?.();
  }

  close(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#sessions.clear();
  }

  /** Whoever sent nothing for `staleAfterMs` is told to the others as lost (public for tests). */
  sweep(): void {
    const now = this.now();
    for (const { session, scores } of this.#sessions.values()) {
      for (const [uid, score] of scores) {
        if (score.quality === 0 || now - score.at < this.limits.staleAfterMs) continue;
        score.quality = 0;
        session.broadcast('participant.quality', { uid, quality: 0 }, uid);
      }
    }
  }

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
    for (const [uid, { quality }] of this.#sessions.get(session.sessionId)?.scores ?? []) session.broadcast('participant.quality', { uid, quality }, uid);
  }

  left({ session, participant }: DomainEvent<'participant.left'>): void {
    this.#sessions.get(session.sessionId)?.scores.delete(participant.uid);
  }

  ended({ session }: DomainEvent<'session.ended'>): void {
    this.#sessions.delete(session.sessionId);
  }

  #score(session: SessionView, uid: string, quality: NetworkQuality): void {
    const known = this.#sessions.get(session.sessionId) ?? { session, scores: new Map() };
    this.#sessions.set(session.sessionId, known);
    const before = known.scores.get(uid)?.quality;
    known.scores.set(uid, { quality, at: this.now() });
    if (before === quality) return;
    this.log.debug({ sessionId: session.sessionId, uid, quality }, 'network quality changed');
    session.broadcast('participant.quality', { uid, quality }, uid);
  }
}
