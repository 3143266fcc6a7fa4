/**
 * Janus node load shared by the processes of a cluster (issue 17.3), for
 * placement: each process posts its own share — per node, the participants and
 * streams it has there — and anyone reads the totals.
 *
 * A share is a whole snapshot (`<prefix>node-load:<processId>`, a hash node →
 * "participants streams"), replaced at each post rather than incremented, so
 * a lost update never leaves a drift behind; it lapses after a TTL unless
 * posted again (the board re-posts the last one on a timer), so the share of
 * a process that died goes away by itself. The set `<prefix>node-load` lists
 * the processes with a share; reading sums the live ones and drops the ids
 * whose share lapsed. Each post and each read is one Redis call.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../util/logger.ts';
import { type NodeLoad, leastLoaded } from './node-placement.ts';
import { redisCommand } from './redis-connection.ts';

/** KEYS[1]: the set of processes, KEYS[2]: this one's share; ARGV: process id, TTL (ms), then node, value pairs. */
const POST = `
redis.call('DEL', KEYS[2])
if #ARGV > 2 then
  redis.call('HSET', KEYS[2], unpack(ARGV, 3))
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  redis.call('SADD', KEYS[1], ARGV[1])
else
  redis.call('SREM', KEYS[1], ARGV[1])
end
return 1`;

/** KEYS[1]: the set of processes; ARGV[1]: the prefix of a share's key. Returns node, value pairs of every live share. */
const READ = `
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local fields = redis.call('HGETALL', ARGV[1] .. id)
  if #fields == 0 then redis.call('SREM', KEYS[1], id) end
  for i = 1, #fields do out[#out + 1] = fields[i] end
end
return out`;

export interface NodeLoadBoardOptions {
  /** A connection for commands (not a subscribed one). */
  redis: Redis;
  processId: string;
  prefix: string;
  /** How long a posted share counts without being posted again (ms). */
  ttlMs: number;
  /** How often the last share is posted again (ms), well inside the TTL. */
  repostEveryMs: number;
  log: Logger;
}

export class NodeLoadBoard {
  readonly #opts: NodeLoadBoardOptions;
  readonly #timer: NodeJS.Timeout;
  #last: ReadonlyMap<string, NodeLoad> = new Map();
  #closed = false;

  constructor(opts: NodeLoadBoardOptions) {
    this.#opts = opts;
    this.#timer = setInterval(() => {
      this.#send(this.#last).catch((error: unknown) => opts.log.warn({ err: error }, 'node load not posted'));
    }, opts.repostEveryMs);
    this.#timer.unref();
  }

  /** This process's share now, replacing the one before. Nodes with nothing on them may be left out. */
  async post(load: ReadonlyMap<string, NodeLoad>): Promise<void> {
    if (this.#closed) return; // stopping: the share was taken away for good
    this.#last = new Map(load);
    await this.#send(this.#last);
  }

  /** Every process's shares, summed per node. */
  async totals(): Promise<Map<string, NodeLoad>> {
    const { redis, prefix } = this.#opts;
    const pairs = (await redisCommand('reading node load', () => redis.eval(READ, 1, `${prefix}node-load`, `${prefix}node-load:`))) as string[];
    const totals = new Map<string, NodeLoad>();
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const [participants = 0, streams = 0] = (pairs[i + 1] as string).split(' ').map(Number);
      const sum = totals.get(pairs[i] as string) ?? { participants: 0, streams: 0 };
      totals.set(pairs[i] as string, { participants: sum.participants + participants, streams: sum.streams + streams });
    }
    return totals;
  }

  /** Where a new session's room goes: the least loaded of `nodes` across the cluster. */
  async leastLoaded(nodes: readonly string[]): Promise<string | undefined> {
    return leastLoaded(nodes, await this.totals());
  }

  /** Stops posting and takes this process's share away at once (a clean stop). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#send(new Map());
  }

  async #send(load: ReadonlyMap<string, NodeLoad>): Promise<void> {
    const { redis, prefix, processId, ttlMs } = this.#opts;
    const pairs = [...load].flatMap(([node, l]) => [node, `${l.participants} ${l.streams}`]);
    await redisCommand('posting node load', () => redis.eval(POST, 2, `${prefix}node-load`, `${prefix}node-load:${processId}`, processId, ttlMs, ...pairs));
  }
}
