/**
 * Who owns each live session of a cluster (issue 17.2, 17.4): a lease in
 * Redis, `<prefix>lease:<sessionId>` = the owner's process id, lasting a few
 * seconds unless renewed.
 *
 * - `acquire` is `SET NX PX`: it succeeds only where nobody holds the lease,
 *   and the lease is then renewed with every other lease this process holds —
 *   one Lua call per round, whatever the number of sessions.
 * - Renewing or releasing checks the owner inside Redis (Lua), so a process
 *   never extends or deletes a lease another process took meanwhile.
 * - A lease not renewed lapses (a process killed, or paused longer than the
 *   TTL); another process's `acquire` then succeeds — the takeover.
 * - The holder learns it lost a lease at its next renewal round (`lost`) —
 *   and, without waiting for Redis, gives every lease up itself one renewal
 *   period before they could lapse when its renewals stopped succeeding (Redis
 *   unreachable or hanging, this process paused): by the time another process
 *   can take a session over, this one has stopped acting as its owner.
 */
import { ParleyError, TypedEmitter } from '@parley/protocol';
import type { Redis } from 'ioredis';
import { reportTo } from '../util/listener-errors.ts';
import type { Logger } from '../util/logger.ts';
import { redisCommand } from './redis-connection.ts';

/** KEYS: the leases; ARGV: owner, TTL (ms). Extends those still the owner's; returns the 1-based indexes of the others. */
const RENEW = `
local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('PEXPIRE', key, ARGV[2]) else lost[#lost + 1] = i end
end
return lost`;

/** KEYS[1]: the lease; ARGV[1]: owner. Deletes it only if it is the owner's. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface SessionLeasesOptions {
  /** A connection for commands (not a subscribed one). */
  redis: Redis;
  /** What the lease holds: the owner, as other processes address it (ClusterBus.processId). */
  processId: string;
  prefix: string;
  ttlMs: number;
  renewEveryMs: number;
  log: Logger;
}

export interface SessionLeasesEvents {
  /** This process no longer owns the session: it must stop acting as its owner. */
  lost: [sessionId: string];
}

export class SessionLeases extends TypedEmitter<SessionLeasesEvents> {
  readonly #opts: SessionLeasesOptions;
  readonly #held = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  /**
   * Until when every held lease surely lasts: the start of the last renewal
   * round that succeeded (or of the first acquire since none was held), plus the TTL.
   */
  #safeUntil = 0;
  #renewing = false;
  #closed = false;

  constructor(opts: SessionLeasesOptions) {
    super(reportTo(opts.log));
    this.#opts = opts;
    this.#timer = setInterval(() => this.#tick(), opts.renewEveryMs);
    this.#timer.unref();
  }

  /** Takes the session's lease if nobody holds it; true if this process owns the session now (or already did). */
  async acquire(sessionId: string): Promise<boolean> {
    if (this.#closed) throw new ParleyError('CLUSTER_UNAVAILABLE', 'The session leases are closed: this process is stopping');
    if (this.#held.has(sessionId)) return true;
    const { redis, processId, ttlMs } = this.#opts;
    const startedAt = Date.now();
    const set = await redisCommand('taking a session lease', () => redis.set(this.#key(sessionId), processId, 'PX', ttlMs, 'NX'));
    if (set !== 'OK') return false;
    if (this.#held.size === 0) this.#safeUntil = startedAt + ttlMs;
    this.#held.add(sessionId);
    return true;
  }

  /** Gives the lease up at once (the session ended here, or is handed over), so another process may take it without waiting. */
  async release(sessionId: string): Promise<void> {
    if (!this.#held.delete(sessionId)) return;
    const { redis, processId } = this.#opts;
    await redisCommand('releasing a session lease', () => redis.eval(RELEASE, 1, this.#key(sessionId), processId));
  }

  /** The process that owns the session now, or null when nobody does. */
  async owner(sessionId: string): Promise<string | null> {
    return redisCommand('reading a session lease', () => this.#opts.redis.get(this.#key(sessionId)));
  }

  /** Each session's owner now (null: nobody), in one MGET. */
  async owners(sessionIds: readonly string[]): Promise<(string | null)[]> {
    if (sessionIds.length === 0) return [];
    return redisCommand('reading session leases', () => this.#opts.redis.mget(...sessionIds.map((s) => this.#key(s))));
  }

  /** How long the session's lease lasts unless renewed, in ms; 0 only when nobody holds it. */
  async timeLeft(sessionId: string): Promise<number> {
    const ms = await redisCommand('reading a session lease', () => this.#opts.redis.pttl(this.#key(sessionId)));
    // PTTL is -2 once the lease is gone, and 0 in its last millisecond, when it is still held: a process
    // reading 0 as gone took over too soon, failed to win the lease, and a join then made a new, empty session.
    return ms < 0 ? 0 : Math.max(ms, 1);
  }

  holds(sessionId: string): boolean {
    return this.#held.has(sessionId);
  }

  /** Stops renewing and releases every lease held (a clean stop: other processes take over at once). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await Promise.allSettled([...this.#held].map((sessionId) => this.release(sessionId)));
  }

  #tick(): void {
    if (this.#closed || this.#held.size === 0) return;
    // The next tick could come after the leases lapsed: give them up now.
    if (Date.now() + this.#opts.renewEveryMs >= this.#safeUntil) {
      for (const sessionId of [...this.#held]) this.#lose(sessionId);
      return;
    }
    void this.#renewRound();
  }

  async #renewRound(): Promise<void> {
    if (this.#renewing) return; // the last round still waits for Redis (commands time out)
    this.#renewing = true;
    const round = [...this.#held];
    const startedAt = Date.now();
    try {
      const { redis, processId, ttlMs } = this.#opts;
      const lostIndexes = (await redis.eval(RENEW, round.length, ...round.map((s) => this.#key(s)), processId, ttlMs)) as number[];
      this.#safeUntil = startedAt + ttlMs;
      for (const index of lostIndexes) this.#lose(round[index - 1] as string);
    } catch (error) {
      this.#opts.log.warn({ err: error, leases: round.length }, 'session leases not renewed');
    } finally {
      this.#renewing = false;
    }
  }

  #lose(sessionId: string): void {
    if (!this.#held.delete(sessionId)) return;
    this.#opts.log.warn({ sessionId }, 'session lease lost: another process may own the session now');
    this.emit('lost', sessionId);
  }

  #key(sessionId: string): string {
    return `${this.#opts.prefix}lease:${sessionId}`;
  }
}
