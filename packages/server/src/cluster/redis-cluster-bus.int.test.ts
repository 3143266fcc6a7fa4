/**
 * The Redis bus keeps the bus contract against a real redis-server (started
 * here on a free loopback port), and what only Redis has: a Redis that is not
 * there stops the start, a restarted one is subscribed to again.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isParleyError } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { until } from '../testing/until.ts';
import { noopLogger } from '../util/logger.ts';
import { clusterBusContract } from './cluster-bus.contract.ts';
import { Topics } from './cluster-messages.ts';
import { RedisClusterBus } from './redis-cluster-bus.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

clusterBusContract('Redis', async (count, report) => {
  // A prefix per test: nothing left from one test reaches the next.
  const prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
  return Promise.all(Array.from({ length: count }, () => RedisClusterBus.connect({ url: redis.url, prefix, log: noopLogger, report })));
});

describe('the Redis bus at start', () => {
  it('refuses to start without a reachable Redis, with CLUSTER_UNAVAILABLE', async () => {
    const nobody = await startTestRedis();
    await nobody.stop();

    const error = await RedisClusterBus.connect({ url: nobody.url, prefix: 'p:', log: noopLogger, report: () => {} }).catch((e: unknown) => e);

    expect(isParleyError(error, 'CLUSTER_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('Redis (REDIS_URL) is not reachable');
  });

  it('starts when Redis answers late at first (frozen for 1.5 s, longer than a command may take)', async () => {
    const slow = await startTestRedis();
    try {
      slow.signal('SIGSTOP');
      setTimeout(() => slow.signal('SIGCONT'), 1_500);

      const bus = await RedisClusterBus.connect({ url: slow.url, prefix: 'p:', log: noopLogger, report: () => {} });

      await bus.close();
    } finally {
      slow.signal('SIGCONT');
      await slow.stop();
    }
  });
});

describe('the Redis bus when Redis restarts', () => {
  it('refuses to publish while Redis is down, and is subscribed again once it is back', async () => {
    const own = await startTestRedis();
    const options = { url: own.url, prefix: 'p:', log: noopLogger, report: () => {} };
    const [sender, receiver] = await Promise.all([RedisClusterBus.connect(options), RedisClusterBus.connect(options)]);
    const received: unknown[] = [];
    await receiver.subscribe(Topics.user('ann'), (m) => void received.push(m.payload));
    let restarted: TestRedis | undefined;
    try {
      await own.stop();
      const whileDown = await sender.publish(Topics.user('ann'), 'user.event', { event: 'session.idleWarning', data: { secondsLeft: 1 } }).catch((e: unknown) => e);
      expect(isParleyError(whileDown, 'CLUSTER_UNAVAILABLE')).toBe(true);

      restarted = await startTestRedis(own.port);
      // Both connections come back by themselves; the receiver's subscription with them.
      const deadline = Date.now() + 10_000;
      while ((await sender.publish(Topics.user('ann'), 'user.event', { event: 'session.idleWarning', data: { secondsLeft: 2 } }).catch(() => 0)) === 0) {
        if (Date.now() > deadline) throw new Error('the receiver was not subscribed again within 10 s');
        await sleep(50);
      }
      await until(() => received.length > 0, 'the message after the restart');
      expect(received[0]).toEqual({ event: 'session.idleWarning', data: { secondsLeft: 2 } });
    } finally {
      await Promise.all([sender.close(), receiver.close()]);
      await restarted?.stop();
    }
  });
});
