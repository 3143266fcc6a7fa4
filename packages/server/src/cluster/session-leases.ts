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
 * - The holder learns it lost a lease at its next renewal round (`lost`), or
 *   when renewals have failed for a whole TTL (Redis unreachable: another
 *   process may have taken over by now). From then on it must not act as the
 *   session's owner.
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
  /** When every held lease was last known extended: renewals failing longer than the TTL mean they may be gone. */
  #lastRenewedAt = Date.now();
  #renewing = false;
  #closed = false;

  constructor(opts: SessionLeasesOptions) {
    super(reportTo(opts.log));
    this.#opts = opts;
    this.#timer = setInterval(() => void this.#renewRound(), opts.renewEveryMs);
    this.#timer.unref();
  }

  /** Takes the session's lease if nobody holds it; true if this process owns the session now (or already did). */
  async acquire(sessionId: string): Promise<boolean> {
    if (this.#closed) throw new ParleyError('CLUSTER_UNAVAILABLE', 'The session leases are closed: this process is stopping');
    if (this.#held.has(sessionId)) return true;
    const { redis, processId, ttlMs } = this.#opts;
    const set = await redisCommand('taking a session lease', () => redis.set(this.#key(sessionId), processId, 'PX', ttlMs, 'NX'));
    if (set !== 'OK') return false;
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

  async #renewRound(): Promise<void> {
    if (this.#renewing || this.#closed) return;
    this.#renewing = true;
    const round = [...this.#held];
    const startedAt = Date.now();
    try {
      if (round.length === 0) {
        this.#lastRenewedAt = startedAt;
        return;
      }
      const { redis, processId, ttlMs } = this.#opts;
      const lostIndexes = (await redis.eval(RENEW, round.length, ...round.map((s) => this.#key(s)), processId, ttlMs)) as number[];
      this.#lastRenewedAt = startedAt;
      for (const index of lostIndexes) this.#lose(round[index - 1] as string);
    } catch (error) {
      this.#opts.log.warn({ err: error, leases: round.length }, 'session leases not renewed');
      if (Date.now() - this.#lastRenewedAt >= this.#opts.ttlMs) for (const sessionId of round) this.#lose(sessionId);
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
