/**
 * The cluster layer of one server process (issue 17), made at start: with
 * REDIS_URL a Redis bus and session leases — a Redis that cannot be reached
 * stops the start with CLUSTER_UNAVAILABLE — and without it the in-memory bus
 * of a single process, which owns every session (no leases).
 *
 * Nothing in the session path uses it yet: the relay of requests and events
 * between processes is the next step (docs/architecture.md, "Cluster").
 */
import type { ClusterConfig } from '../cluster-config.ts';
import { DEFAULTS } from '../defaults.ts';
import { reportTo } from '../util/listener-errors.ts';
import type { Logger } from '../util/logger.ts';
import type { ClusterBus } from './cluster-bus.ts';
import { MemoryClusterBus } from './memory-cluster-bus.ts';
import { RedisClusterBus } from './redis-cluster-bus.ts';
import { connectRedis } from './redis-connection.ts';
import { SessionLeases } from './session-leases.ts';

export interface Cluster {
  readonly bus: ClusterBus;
  /** Who owns which session; undefined for one process, which owns them all. */
  readonly leases: SessionLeases | undefined;
  /** Releases this process's leases (others take its sessions at once), then closes the connections. Idempotent. */
  close(): Promise<void>;
}

export async function startCluster(settings: ClusterConfig | undefined, log: Logger): Promise<Cluster> {
  const report = reportTo(log);
  if (!settings) {
    const bus = new MemoryClusterBus({ report });
    return { bus, leases: undefined, close: () => bus.close() };
  }
  const { redisPrefix: prefix, sessionLeaseTtlMs: ttlMs, sessionLeaseRenewMs: renewEveryMs } = DEFAULTS.cluster;
  const bus = await RedisClusterBus.connect({ url: settings.redisUrl, prefix, log, report });
  let commands: Awaited<ReturnType<typeof connectRedis>>;
  try {
    commands = await connectRedis(settings.redisUrl, 'leases', log);
  } catch (error) {
    await bus.close();
    throw error;
  }
  const leases = new SessionLeases({ redis: commands, processId: bus.processId, prefix, ttlMs, renewEveryMs, log });
  log.info({ processId: bus.processId }, 'cluster: connected to Redis');
  let closing: Promise<void> | undefined;
  return {
    bus,
    leases,
    close() {
      closing ??= (async () => {
        await leases.close();
        await Promise.allSettled([commands.quit(), bus.close()]);
      })();
      return closing;
    },
  };
}
