/**
 * What the server does with each SDK's `quality.sample`: keeps it for the
 * call's quality timeline (bounded per participant and paced, so a client
 * cannot fill the database), and tells the others the sender's score when it
 * changed (`participant.quality`), and a newcomer everyone's current score.
 *
 * The score the others hear is the worse of two views: the client's own
 * (its sample's score, from getStats()) and the media server's (Janus's stats
 * of their connections, media-view.ts) — so someone whose uplink Janus sees
 * losing packets is reported lower even when their client says nothing, or
 * says all is well. Each view counts for `staleAfterMs` after its last
 * reading; someone with neither (their socket is gone, their page froze, no
 * media moves) is told as `lost` (0). The join path never waits for any of it.
 */
import { type NetworkQuality, ParleyError, type QualitySample } from '@parley/protocol';
import type { Logger } from 'pino';
import { DEFAULTS } from '../defaults.ts';
import type { DomainEvent } from '../sessions/domain-events.ts';
import type { ParticipantView } from '../sessions/participant.ts';
import type { SessionView } from '../sessions/domain-events.ts';
import { MediaView } from './media-view.ts';
import type { QualityStore } from './quality-store.ts';

export interface QualityLimits {
  /** Samples kept per participant (one stay); later ones are refused (`stored: false`). */
  maxSamplesPerParticipant: number;
  /** A sample sooner than this after the last one kept is dropped. */
  minSampleIntervalMs: number;
  /** A view (the client's samples, the media server's stats) older than this no longer counts; with neither, the others hear 0 (lost). */
  staleAfterMs: number;
}

interface Reading {
  quality: NetworkQuality;
  at: number;
}

/** One participant's views and what the others were last told. */
interface Score {
  /** Their client's own score, from its last sample. */
  own?: Reading;
  /** The media server's score of their connections. */
  server?: Reading;
  /** The server's latest few stats of each of their connections, scored over that window. */
  view: MediaView;
  /** What the others were told last. */
  told: NetworkQuality | undefined;
}

/** A live session's scores, by uid, and who joined and was not told them yet. */
interface SessionScores {
  session: SessionView;
  scores: Map<string, Score>;
  newcomers: Set<string>;
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

  /** Views older than `staleAfterMs` stop counting; whoever is left with none is told to the others as lost (public for tests). */
  sweep(): void {
    for (const { session, scores } of this.#sessions.values()) {
      for (const uid of scores.keys()) this.#tell(session, uid);
    }
  }

  /** A sample from `participant`'s connection, bound to `session`. */
  async record(session: SessionView, participant: ParticipantView, sample: QualitySample): Promise<{ stored: boolean }> {
    if (sample.sessionId !== session.sessionId) {
      throw new ParleyError('FORBIDDEN', 'A quality sample may only be about the session this connection joined');
    }
    this.#welcome(session, participant.uid);
    this.#entry(session, participant.uid).own = { quality: sample.quality, at: this.now() };
    this.#tell(session, participant.uid);
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

  /**
   * The media server's stats of one of their connections (a subscriber's without what senders in
   * trouble lost): their score from the server's view is read again.
   */
  connectionStats({ session, participant, connection, stats }: DomainEvent<'participant.connectionStats'>): void {
    this.#welcome(session, participant.uid);
    const entry = this.#entry(session, participant.uid);
    entry.view.add(connection, stats);
    const quality = entry.view.quality();
    if (quality === undefined) return;
    entry.server = { quality, at: this.now() };
    this.#tell(session, participant.uid);
  }

  /**
   * Someone joined: they are told everyone's current score with their first sample or the first
   * stats of their media, not now — now comes before the answer to their join, when their client
   * knows nobody in the session yet and drops a score about someone it does not know. Scores are
   * told on changes only, so a steady one missed then would never come.
   */
  joined({ session, participant }: DomainEvent<'participant.joined'>): void {
    this.#known(session).newcomers.add(participant.uid);
  }

  left({ session, participant }: DomainEvent<'participant.left'>): void {
    const known = this.#sessions.get(session.sessionId);
    known?.scores.delete(participant.uid);
    known?.newcomers.delete(participant.uid);
  }

  ended({ session }: DomainEvent<'session.ended'>): void {
    this.#sessions.delete(session.sessionId);
  }

  #known(session: SessionView): SessionScores {
    const known = this.#sessions.get(session.sessionId) ?? { session, scores: new Map<string, Score>(), newcomers: new Set<string>() };
    this.#sessions.set(session.sessionId, known);
    return known;
  }

  #entry(session: SessionView, uid: string): Score {
    const known = this.#known(session);
    const entry = known.scores.get(uid) ?? { told: undefined, view: new MediaView() };
    known.scores.set(uid, entry);
    return entry;
  }

  /** A newcomer's client answered its join: they are told everyone's score (the others' SDKs report changes only, so they would hear nothing new). */
  #welcome(session: SessionView, newcomer: string): void {
    const known = this.#sessions.get(session.sessionId);
    if (!known?.newcomers.delete(newcomer)) return;
    for (const [uid, { told }] of known.scores) {
      if (uid !== newcomer && told !== undefined) session.sendTo(newcomer, 'participant.quality', { uid, quality: told });
    }
  }

  /** Tells the others their score if it changed: the worse of the views still fresh, or lost with none. */
  #tell(session: SessionView, uid: string): void {
    const entry = this.#sessions.get(session.sessionId)?.scores.get(uid);
    if (!entry) return;
    const now = this.now();
    const fresh = [entry.own, entry.server].filter((r): r is Reading => r !== undefined && now - r.at < this.limits.staleAfterMs);
    // Someone never scored (no sample, no media yet) is not told as lost.
    if (fresh.length === 0 && entry.told === undefined) return;
    const quality = (fresh.length === 0 ? 0 : Math.min(...fresh.map((r) => r.quality))) as NetworkQuality;
    if (entry.told === quality) return;
    entry.told = quality;
    this.log.debug({ sessionId: session.sessionId, uid, quality, own: entry.own?.quality, server: entry.server?.quality }, 'network quality changed');
    session.broadcast('participant.quality', { uid, quality }, uid);
  }
}
