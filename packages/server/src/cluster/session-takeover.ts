/**
 * Process loss while the cluster runs (issue 17.4): the sessions a dead
 * process owned are rebuilt on a live one through the restart path
 * (sessions/restore.ts) once their lease lapsed — only by the process whose
 * `acquire` wins, so two processes racing for one session never both rebuild it.
 *
 * - At once, when a client resumes into (or joins) a session left live in the
 *   database that nobody here serves: once its owner missed a renewal, its
 *   lease is watched running out, then the session is rebuilt here. A lease
 *   renewed on time belongs to a live process: left to it (and the relay).
 * - By a sweep every few seconds, for sessions nobody resumes: those left
 *   live in the database that had no owner at two sweeps in a row (a session
 *   ending elsewhere gives its lease back a moment before its rows go, so
 *   one sweep could see a session that just ended), and calls answered long
 *   ago that never started (their ringing process died).
 * - Calls still ringing well past the ring timeout are cancelled: the process
 *   ringing them died (a live one ends them at its timeout).
 */
import { type RestoreDeps, liveSessionIds, restoreLiveSessions } from '../sessions/restore.ts';
import type { SessionRegistry } from '../sessions/session-registry.ts';
import type { SessionLeases } from './session-leases.ts';

export interface SessionTakeoverOptions extends Omit<RestoreDeps, 'registry' | 'leases'> {
  registry: SessionRegistry;
  leases: Pick<SessionLeases, 'acquire' | 'release' | 'holds' | 'owners' | 'timeLeft'>;
  /** Between sweeps, in ms. */
  sweepEveryMs: number;
  /** A call ringing this long (ms) was left by a process that died: a live one ends it at its ring timeout. */
  ringingLeftAfterMs: number;
  /** An answered call whose session has not started this long (ms) was left by a process that died (a live one ends it after its join grace). */
  answeredLeftAfterMs: number;
  /** The recordings of sessions closed rather than rebuilt, finished as cut short (RecordingService.cutShortIn). */
  cutShort: (sessionIds: readonly string[]) => Promise<unknown>;
  /** How often a lease running out is read while waited for, in ms. */
  pollMs: number;
  /** The leases' TTL and renewal period (ms): a lease renewed less recently than one period was missed by its owner. */
  ttlMs: number;
  renewEveryMs: number;
}

/** Why a call ringing (or answered, never started) on a process that died was closed. */
const RINGING_LOST = 'server-lost';


export class SessionTakeover {
  readonly #opts: SessionTakeoverOptions;
  /** Each session being taken over (resolving to whether it was live), awaited by whoever else asks for it meanwhile. */
  readonly #taking = new Map<string, Promise<boolean>>();
  /** The sessions without an owner at the last sweep. */
  #unowned = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #sweeping = false;

  constructor(opts: SessionTakeoverOptions) {
    this.#opts = opts;
  }

  /** Sweeps every `sweepEveryMs` until `close`. */
  start(): void {
    this.#timer ??= setInterval(() => void this.sweep(), this.#opts.sweepEveryMs);
    this.#timer.unref();
  }

  close(): void {
    clearInterval(this.#timer);
  }

  /**
   * Before a first join here, or a resume that found nobody here: the session,
   * if a process that died left it live, is rebuilt here. True when it is
   * still live and not here after all — a live process owns it (the relay's
   * turn), or it is between owners (the client tries again).
   */
  forSession(sessionId: string): Promise<boolean> {
    return this.#once(sessionId, () => this.#takeOverWhenFree(sessionId));
  }

  /** One round: the sessions nobody owns rebuilt (or closed), ringing left by the dead settled. Never rejects. */
  async sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    const { registry, leases, log } = this.#opts;
    try {
      const cancelled = await this.#opts.sessions.cancelRingingOlderThan(this.#opts.ringingLeftAfterMs, RINGING_LOST);
      if (cancelled.length > 0) log.warn({ sessionIds: cancelled }, 'calls left ringing by a process that died cancelled');
      const ids = (await liveSessionIds(this.#opts, this.#opts.answeredLeftAfterMs)).filter((id) => !registry.get(id) && !leases.holds(id));
      const owners = await leases.owners(ids);
      const unowned = new Set(ids.filter((_, i) => owners[i] === null));
      const orphans = [...unowned].filter((id) => this.#unowned.has(id) && !this.#taking.has(id));
      this.#unowned = unowned;
      if (orphans.length === 0) return;
      log.warn({ sessionIds: orphans }, 'sessions without an owner: taken over');
      const rebuilding = this.#rebuild(orphans);
      for (const id of orphans) this.#once(id, () => rebuilding.then(() => true)).catch(() => undefined);
      await rebuilding;
    } catch (error) {
      log.warn({ err: error }, 'session takeover sweep failed: next round');
    } finally {
      this.#sweeping = false;
    }
  }

  /** `take` (answering whether the session was live) runs once for a session at a time; whoever asks meanwhile waits for it too. */
  async #once(sessionId: string, take: () => Promise<boolean>): Promise<boolean> {
    const here = () => this.#opts.registry.get(sessionId)?.isOpen === true;
    if (here()) return false;
    let taking = this.#taking.get(sessionId);
    if (!taking) {
      taking = take().finally(() => this.#taking.delete(sessionId));
      this.#taking.set(sessionId, taking);
    }
    return (await taking) && !here();
  }

  async #takeOverWhenFree(sessionId: string): Promise<boolean> {
    if (!(await this.#opts.live.isLive(sessionId))) return false;
    if (await this.#lapsed(sessionId)) await this.#rebuild([sessionId]);
    return true;
  }

  /**
   * Whether the session's lease ran out, waiting while it does. A live owner
   * renews every `renewEveryMs`, so a lease with more than a TTL less one
   * round left says nothing yet (false at once: the relay's turn); one with
   * less was missed by its owner and is watched running out — false as soon
   * as it is renewed after all (the owner was only slow).
   */
  async #lapsed(sessionId: string): Promise<boolean> {
    const { leases, pollMs, ttlMs, renewEveryMs } = this.#opts;
    let left = await leases.timeLeft(sessionId);
    if (left > ttlMs - renewEveryMs - pollMs) return false;
    while (left > 0) {
      await new Promise((r) => setTimeout(r, Math.min(pollMs, left)));
      const now = await leases.timeLeft(sessionId);
      if (now > left) return false;
      left = now;
    }
    return true;
  }

  /**
   * Through the restart path: only the sessions whose lease this process wins
   * are rebuilt, or closed — their recordings then finished as cut short, as
   * a restart would.
   */
  async #rebuild(sessionIds: string[]): Promise<void> {
    const { registry, leases, cutShort, ...deps } = this.#opts;
    const restored = await restoreLiveSessions({ ...deps, registry, leases }, sessionIds);
    if (restored.sessionIds.length > 0) deps.log.info({ sessionIds: restored.sessionIds }, 'sessions of a process that died taken over');
    if (restored.closedSessionIds.length > 0) await cutShort(restored.closedSessionIds);
  }
}
