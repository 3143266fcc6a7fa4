/**
 * The cluster layer of one server process (issue 17), made at start: with
 * REDIS_URL a Redis bus and session leases — a Redis that cannot be reached
 * stops the start with CLUSTER_UNAVAILABLE — and without it the in-memory bus
 * of a single process, which owns every session (no leases).
 *
 * The session registry and the start's rebuild take sessions' leases, and room
 * placement posts and reads the node load; the bus is not in the session path
 * yet: the relay of requests and events between processes is the next step
 * (docs/architecture.md, "Cluster").
 */
import type { ClusterConfig } from '../cluster-config.ts';
import { DEFAULTS } from '../defaults.ts';
import { reportTo } from '../util/listener-errors.ts';
import type { Logger } from '../util/logger.ts';
import type { ClusterBus } from './cluster-bus.ts';
import { MemoryClusterBus } from './memory-cluster-bus.ts';
import { NodeLoadBoard } from './node-load-board.ts';
import { RedisClusterBus } from './redis-cluster-bus.ts';
import { connectRedis } from './redis-connection.ts';
import { SessionLeases } from './session-leases.ts';

export interface Cluster {
  readonly bus: ClusterBus;
  /** Who owns which session; undefined for one process, which owns them all. */
  readonly leases: SessionLeases | undefined;
  /** Janus node load across processes, for placement; undefined for one process, which knows its own. */
  readonly nodeLoad: NodeLoadBoard | undefined;
  /** Releases this process's leases (others take its sessions at once), then closes the connections. Idempotent. */
  close(): Promise<void>;
}

export async function startCluster(settings: ClusterConfig | undefined, log: Logger): Promise<Cluster> {
  const report = reportTo(log);
  if (!settings) {
    const bus = new MemoryClusterBus({ report });
    return { bus, leases: undefined, nodeLoad: undefined, close: () => bus.close() };
  }
  const { redisPrefix: prefix, sessionLeaseTtlMs, sessionLeaseRenewMs, nodeLoadTtlMs, nodeLoadRepostMs } = DEFAULTS.cluster;
  const bus = await RedisClusterBus.connect({ url: settings.redisUrl, prefix, log, report });
  let commands: Awaited<ReturnType<typeof connectRedis>>;
  try {
    commands = await connectRedis(settings.redisUrl, 'commands', log);
  } catch (error) {
    await bus.close();
    throw error;
  }
  const { processId } = bus;
  const leases = new SessionLeases({ redis: commands, processId, prefix, ttlMs: sessionLeaseTtlMs, renewEveryMs: sessionLeaseRenewMs, log });
  const nodeLoad = new NodeLoadBoard({ redis: commands, processId, prefix, ttlMs: nodeLoadTtlMs, repostEveryMs: nodeLoadRepostMs, log });
  log.info({ processId }, 'cluster: connected to Redis');
  let closing: Promise<void> | undefined;
  return {
    bus,
    leases,
    nodeLoad,
    close() {
      closing ??= (async () => {
        await Promise.allSettled([leases.close(), nodeLoad.close()]);
        await Promise.allSettled([commands.quit(), bus.close()]);
      })();
      return closing;
    },
  };
}
