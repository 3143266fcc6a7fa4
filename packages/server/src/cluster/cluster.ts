/**
 * The cluster layer of one server process (issue 17), made at start: with
 * REDIS_URL a Redis bus and session leases — a Redis that cannot be reached
 * stops the start with CLUSTER_UNAVAILABLE — and without it the in-memory bus
 * of a single process, which owns every session (no leases).
 *
 * The session registry takes sessions' leases through `ownership`, which
 * serves each session it holds on the bus (the relay: clients of other
 * processes reach the owner through `relay`); the start's rebuild takes
 * leases too, and room placement posts and reads the node load.
 */
import type { ClusterConfig } from '../cluster-config.ts';
import { DEFAULTS } from '../defaults.ts';
import { reportTo } from '../util/listener-errors.ts';
import type { Logger } from '../util/logger.ts';
import type { ClusterBus } from './cluster-bus.ts';
import { MemoryClusterBus } from './memory-cluster-bus.ts';
import { NodeLoadBoard } from './node-load-board.ts';
import { OwnerRelay } from './owner-relay.ts';
import { OwnerWatch } from './owner-watch.ts';
import { RedisClusterBus } from './redis-cluster-bus.ts';
import { connectRedis } from './redis-connection.ts';
import { ServedLeases } from './served-leases.ts';
import { SessionLeases } from './session-leases.ts';

export interface Cluster {
  readonly bus: ClusterBus;
  /** Who owns which session; undefined for one process, which owns them all. */
  readonly leases: SessionLeases | undefined;
  /** The same leases, each session held served on the bus for the clients of other processes (what the registry takes leases through). */
  readonly ownership: ServedLeases | undefined;
  /** Requests to sessions' owners, and their events back, for this process's clients in sessions owned elsewhere. */
  readonly relay: OwnerRelay | undefined;
  /** Whether the owners of the sessions this process relays sockets to are still there. */
  readonly ownerWatch: OwnerWatch | undefined;
  /** Janus node load across processes, for placement; undefined for one process, which knows its own. */
  readonly nodeLoad: NodeLoadBoard | undefined;
  /** Releases this process's leases (others take its sessions at once), then closes the connections. Idempotent. */
  close(): Promise<void>;
}

export async function startCluster(settings: ClusterConfig | undefined, log: Logger): Promise<Cluster> {
  const report = reportTo(log);
  if (!settings) {
    const bus = new MemoryClusterBus({ report });
    return { bus, leases: undefined, ownership: undefined, relay: undefined, ownerWatch: undefined, nodeLoad: undefined, close: () => bus.close() };
  }
  const { redisPrefix: prefix, sessionLeaseTtlMs, sessionLeaseRenewMs, nodeLoadTtlMs, nodeLoadRepostMs, relayRequestTimeoutMs } = DEFAULTS.cluster;
  const bus = await RedisClusterBus.connect({ url: settings.redisUrl, prefix, log, report });
  let commands: Awaited<ReturnType<typeof connectRedis>>;
  let relay: OwnerRelay;
  try {
    commands = await connectRedis(settings.redisUrl, 'commands', log);
    relay = await OwnerRelay.start(bus, { timeoutMs: relayRequestTimeoutMs, log });
  } catch (error) {
    await bus.close();
    throw error;
  }
  const { processId } = bus;
  const leases = new SessionLeases({ redis: commands, processId, prefix, ttlMs: sessionLeaseTtlMs, renewEveryMs: sessionLeaseRenewMs, log });
  const nodeLoad = new NodeLoadBoard({ redis: commands, processId, prefix, ttlMs: nodeLoadTtlMs, repostEveryMs: nodeLoadRepostMs, log });
  const ownership = new ServedLeases(leases, log);
  const ownerWatch = new OwnerWatch(leases, sessionLeaseRenewMs, log);
  log.info({ processId }, 'cluster: connected to Redis');
  let closing: Promise<void> | undefined;
  return {
    bus,
    leases,
    ownership,
    relay,
    ownerWatch,
    nodeLoad,
    close() {
      closing ??= (async () => {
        ownerWatch.close();
        await Promise.allSettled([leases.close(), nodeLoad.close(), relay.close()]);
        await Promise.allSettled([commands.quit(), bus.close()]);
      })();
      return closing;
    },
  };
}
