/** A process's cluster layer: in memory without REDIS_URL, over a real redis-server with it. */
import { isParleyError } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { noopLogger } from '../util/logger.ts';
import { startCluster } from './cluster.ts';
import { MemoryClusterBus } from './memory-cluster-bus.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('without REDIS_URL', () => {
  it('is one process: an in-memory bus, no leases, no shared node load', async () => {
    const cluster = await startCluster(undefined, noopLogger);
    expect(cluster.bus).toBeInstanceOf(MemoryClusterBus);
    expect(cluster.leases).toBeUndefined();
    expect(cluster.nodeLoad).toBeUndefined();
    await cluster.close();
  });
});

describe('with REDIS_URL', () => {
  it("owns sessions and posts node load under its bus's process id, and hands both over as it closes", async () => {
    const [first, second] = await Promise.all([startCluster({ redisUrl: redis.url }, noopLogger), startCluster({ redisUrl: redis.url }, noopLogger)]);
    try {
      expect(await first.leases?.acquire('s1')).toBe(true);
      expect(await second.leases?.owner('s1')).toBe(first.bus.processId);
      await first.nodeLoad?.post(new Map([['ws://a:8188', { participants: 2, streams: 4 }]]));
      expect(await second.nodeLoad?.totals()).toEqual(new Map([['ws://a:8188', { participants: 2, streams: 4 }]]));

      await first.close();

      expect(await second.leases?.acquire('s1')).toBe(true);
      expect(await second.nodeLoad?.totals()).toEqual(new Map());
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('does not start when Redis is not there', async () => {
    const gone = await startTestRedis();
    await gone.stop();
    const error = await startCluster({ redisUrl: gone.url }, noopLogger).catch((e: unknown) => e);
    expect(isParleyError(error, 'CLUSTER_UNAVAILABLE')).toBe(true);
  });
});
