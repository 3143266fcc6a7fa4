/**
 * All live sessions of this server process, by session id. A session is made
 * on the first join of a valid call token and forgotten once it has ended.
 *
 * In a cluster (REDIS_URL) a session lives only on the process holding its
 * lease (cluster/session-leases.ts): the registry takes it before the
 * session's first join or its rebuild, gives it back when the session ends,
 * and hands a session over (stopped here, not ended) when its lease is lost.
 */
import { type ParsedParams, ParleyError, type ServerEventName, type ServerEvents, type SessionEndReason } from '@parley/protocol';
import type { LiveSessionRecord } from '../store/live-sessions-store.ts';
import type { SessionLeases } from '../cluster/session-leases.ts';
import { ownedElsewhere } from '../cluster/owned-elsewhere.ts';
import { type SessionTakeoverHook, SessionWhereabouts } from '../cluster/session-whereabouts.ts';
import type { CallTokenClaims } from '../tokens/call-token.ts';
import { CallSession, type CallSessionDeps } from './call-session.ts';
import type { ParticipantLink, ParticipantView } from './participant.ts';

/** Live sessions, the participants in them (a disconnected one within its grace counts) and the recordings running. */
export interface LiveCounts {
  sessions: number;
  participants: number;
  recordings: number;
}

/** What every session needs; the registry adds `onEnded` itself. */
export type SessionRegistryDeps = Omit<CallSessionDeps, 'onEnded'>;

/** The session leases as the registry uses them (`owner`: who holds one, for `whereabouts`). */
export type SessionOwnership = Pick<SessionLeases, 'acquire' | 'release' | 'on' | 'owner'>;

export class SessionRegistry {
  readonly #sessions = new Map<string, CallSession>();
  /** Each session's lease being taken, awaited by all its first joins. */
  readonly #owned = new WeakMap<CallSession, Promise<void>>();
  #draining = false;
  readonly #emptyListeners = new Set<() => void>();
  /** Whether a session not open here is elsewhere, being rebuilt here, or to be taken over. */
  readonly whereabouts: SessionWhereabouts;

  /** `leases`: a cluster's (REDIS_URL); without them this process owns every session. */
  constructor(
    private readonly deps: SessionRegistryDeps,
    private readonly leases?: SessionOwnership,
  ) {
    this.whereabouts = new SessionWhereabouts({ openHere: (sessionId) => this.#sessions.get(sessionId)?.isOpen === true, leaseHolder: leases && ((sessionId) => leases.owner(sessionId)) });
    leases?.on('lost', (sessionId) => {
      const session = this.#sessions.get(sessionId);
      if (!session) return;
      deps.log.warn({ sessionId }, 'session lease lost: the session is handed over, not ended');
      void session.handOver();
    });
  }

  get(sessionId: string): CallSession | undefined {
    return this.#sessions.get(sessionId);
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Every session here (those ending too, until they ended). */
  sessions(): IterableIterator<CallSession> {
    return this.#sessions.values();
  }

  /**
   * What is live here now, counted at each metrics scrape rather than kept by
   * events: sessions rebuilt after a restart are counted without a join.
   */
  liveCounts(): LiveCounts {
    const counts = { sessions: 0, participants: 0, recordings: 0 };
    for (const session of this.#sessions.values()) {
      if (!session.isOpen) continue;
      counts.sessions += 1;
      for (const p of session.participants.values()) if (p.state !== 'left') counts.participants += 1;
      if (session.recording.recording) counts.recordings += 1;
    }
    return counts;
  }

  /** Whether `uid` is in a live session here (joined, or within its reconnect grace). */
  isInSession(uid: string): boolean {
    for (const session of this.#sessions.values()) if (session.isOpen && session.participants.has(uid)) return true;
    return false;
  }

  /** A cluster's takeover of sessions left by a process that died (before a first join or a resume finds them here). */
  takeOverWith(takeover: SessionTakeoverHook): void {
    this.whereabouts.takeOverWith(takeover);
  }

  async join(claims: CallTokenClaims, params: ParsedParams<'join'>, link: ParticipantLink, resumeTokenHash: Buffer) {
    // One a dead process left is taken over first; one another process holds is refused below (#own): the relay's turn.
    if (!this.#sessions.get(claims.sessionId)?.isOpen && !this.#draining) await this.whereabouts.locate(claims.sessionId);
    let session = this.#sessions.get(claims.sessionId);
    if (!session?.isOpen) {
      if (this.#draining) throw new ParleyError('SERVER_DRAINING');
      session = this.#add(claims.sessionId, claims.kind);
    }
    try {
      await this.#own(session);
      const participant = await session.join(claims, params, link, resumeTokenHash);
      return { session, participant };
    } catch (error) {
      // A session that never got its first participant is not kept.
      if (session.participants.size === 0 && session.state === 'starting' && this.#sessions.get(claims.sessionId) === session) {
        this.#forget(claims.sessionId);
      }
      throw error;
    }
  }

  /**
   * A session persisted by a server that died (or handed over), rebuilt here:
   * its participants are away until their clients resume within `graceMs`.
   */
  async restore(record: LiveSessionRecord, graceMs: number): Promise<CallSession> {
    const session = this.#add(record.sessionId, record.kind);
    const rebuilt = (async () => {
      await this.#own(session);
      await session.restore(record, graceMs);
    })();
    // Open before its participants are back: a resume waits for the rebuild.
    this.whereabouts.restoring(record.sessionId, rebuilt);
    try {
      await rebuilt;
      return session;
    } catch (error) {
      if (this.#sessions.get(record.sessionId) === session) this.#forget(record.sessionId);
      throw error;
    }
  }

  /** The live participant a resume token belongs to, and their session. */
  findByResumeToken(resumeTokenHash: Buffer): { session: CallSession; participant: ParticipantView } | undefined {
    for (const session of this.#sessions.values()) {
      if (!session.isOpen) continue;
      for (const participant of session.participants.values()) {
        if (participant.resumeTokenHash.equals(resumeTokenHash)) return { session, participant };
      }
    }
    return undefined;
  }

  /**
   * As `findByResumeToken`, once the token's session (`sessionId`) is located
   * (`whereabouts`): a rebuild under way here waited for, one a process that
   * died left live rebuilt here first — and one live elsewhere, or between
   * owners, refused with CLUSTER_UNAVAILABLE (the relay's turn; the client
   * tries again), not as ended.
   */
  async findOrTakeOver(resumeTokenHash: Buffer, sessionId: string | undefined): Promise<{ session: CallSession; participant: ParticipantView } | undefined> {
    if (sessionId !== undefined && (await this.whereabouts.locate(sessionId)) === 'elsewhere') {
      throw new ParleyError('CLUSTER_UNAVAILABLE', 'The session is served by another server process, or changing owner');
    }
    return this.findByResumeToken(resumeTokenHash);
  }

  /** The server stops soon (drain.ts): no new session starts here; those in progress go on. */
  drain(): void {
    this.#draining = true;
  }

  /** Tells everyone in every session here. */
  broadcast<E extends ServerEventName>(event: E, data: ServerEvents[E]): void {
    for (const session of this.#sessions.values()) session.broadcast(event, data);
  }

  /** `listener` runs once no session is left (at once if none is); returns a function that stops it. */
  onEmpty(listener: () => void): () => void {
    if (this.#sessions.size === 0) {
      listener();
      return () => undefined;
    }
    this.#emptyListeners.add(listener);
    return () => this.#emptyListeners.delete(listener);
  }

  #add(sessionId: string, kind: CallSession['kind']): CallSession {
    const session = new CallSession(sessionId, kind, {
      ...this.deps,
      onEnded: (ended) => {
        if (this.#sessions.get(ended.sessionId) === ended) this.#forget(ended.sessionId);
      },
    });
    this.#sessions.set(sessionId, session);
    return session;
  }

  /** Takes the session's lease (once per session); rejects when another process holds it. */
  #own(session: CallSession): Promise<void> {
    const leases = this.leases;
    if (!leases) return Promise.resolve();
    let owning = this.#owned.get(session);
    if (!owning) {
      owning = leases.acquire(session.sessionId).then((acquired) => {
        if (!acquired) throw ownedElsewhere(session.sessionId); // the signaling relays the join to the owner
      });
      this.#owned.set(session, owning);
    }
    return owning;
  }

  #forget(sessionId: string): void {
    this.#sessions.delete(sessionId);
    // Only a lease this process still holds is deleted: a lost one is left to its new owner.
    this.leases?.release(sessionId).catch((error: unknown) => this.deps.log.warn({ err: error, sessionId }, 'session lease not released: it lapses by itself'));
    if (this.#sessions.size > 0) return;
    const listeners = [...this.#emptyListeners];
    this.#emptyListeners.clear();
    for (const listener of listeners) listener();
  }

  /** Ends every session (server shutdown). */
  async closeAll(reason: SessionEndReason): Promise<void> {
    await Promise.allSettled([...this.#sessions.values()].map((s) => s.end(reason)));
  }

  /** Stops every session here without ending it, for the next start to rebuild (a planned restart, after the drain). */
  async handOverAll(): Promise<void> {
    await Promise.allSettled([...this.#sessions.values()].map((s) => s.handOver()));
  }
}
