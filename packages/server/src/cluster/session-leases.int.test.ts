/**
 * Session leases against a real redis-server: one owner at a time, renewed
 * while held, released at once, and taken over by another process when the
 * holder stops renewing — which the holder then learns.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isParleyError } from '@parley/protocol';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { until } from '../testing/until.ts';
import { noopLogger } from '../util/logger.ts';
import { connectRedis } from './redis-connection.ts';
import { SessionLeases } from './session-leases.ts';

// Renewed every third of it: a holder gives its leases up once no renewal succeeded for two thirds of a TTL.
// At 300 ms a 200 ms stall of this worker or of redis-server (a loaded 2-core machine) dropped a lease the
// test expects kept; at 1.5 s only a stall of a second does.
const TTL_MS = 1_500;

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

let opened: { leases: SessionLeases; connection: Redis }[] = [];
let prefix = '';
afterEach(async () => {
  for (const { leases, connection } of opened) {
    await leases.close();
    connection.disconnect();
  }
  opened = [];
});

/** A process's leases; `renewEveryMs` past the TTL stands for a process paused between renewals. */
async function holder(renewEveryMs = TTL_MS / 3): Promise<SessionLeases & { id: string }> {
  const connection = await connectRedis(redis.url, 'leases', noopLogger);
  const id = randomUUID();
  const leases = new SessionLeases({ redis: connection, processId: id, prefix, ttlMs: TTL_MS, renewEveryMs, log: noopLogger });
  opened.push({ leases, connection });
  return Object.assign(leases, { id });
}

describe('session leases', () => {
  beforeAll(() => {
    prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
  });

  it('gives a session to one of two processes asking at the same moment', async () => {
    const [a, b] = await Promise.all([holder(), holder()]);

    const [gotA, gotB] = await Promise.all([a.acquire('s1'), b.acquire('s1')]);

    expect([gotA, gotB].filter(Boolean)).toHaveLength(1);
    const winner = gotA ? a : b;
    expect(await a.owner('s1')).toBe(winner.id);
    expect(winner.holds('s1')).toBe(true);
  });

  it('keeps the session with its owner while it renews, long past the TTL', async () => {
    const [a, b] = await Promise.all([holder(), holder()]);
    expect(await a.acquire('s2')).toBe(true);

    await sleep(TTL_MS * 4);

    expect(await b.acquire('s2')).toBe(false);
    expect(await b.owner('s2')).toBe(a.id);
  });

  it('lets another process take the session at once after a release', async () => {
    const [a, b] = await Promise.all([holder(), holder()]);
    await a.acquire('s3');

    await a.release('s3');

    expect(await b.acquire('s3')).toBe(true);
    expect(await a.owner('s3')).toBe(b.id);
  });

  it('hands the session to another process when its owner stops renewing, and the old owner learns it lost it', async () => {
    const paused = await holder(TTL_MS * 3);
    const other = await holder();
    const lost: string[] = [];
    paused.on('lost', (sessionId) => void lost.push(sessionId));
    expect(await paused.acquire('s4')).toBe(true);
    expect(await other.acquire('s4')).toBe(false);

    await sleep(TTL_MS + 50);

    expect(await other.acquire('s4')).toBe(true);
    await until(() => lost.length > 0, "the paused owner's next renewal", TTL_MS * 6);
    expect(lost).toEqual(['s4']);
    expect(paused.holds('s4')).toBe(false);
    // Its late renewal left the new owner's lease alone.
    expect(await other.owner('s4')).toBe(other.id);
  });

  it('releases every lease it holds when it closes, and takes no more', async () => {
    const [a, b] = await Promise.all([holder(), holder()]);
    await a.acquire('s5');
    await a.acquire('s6');

    await a.close();

    expect(await Promise.all([b.acquire('s5'), b.acquire('s6')])).toEqual([true, true]);
    const refused = await a.acquire('s7').catch((e: unknown) => e);
    expect(isParleyError(refused, 'CLUSTER_UNAVAILABLE')).toBe(true);
  });

  it('gives its leases up itself before they can lapse when Redis stops answering', async () => {
    const frozen = await startTestRedis();
    const connection = await connectRedis(frozen.url, 'leases', noopLogger);
    // Given up one renewal period (here 1 s, time for Redis to be let go on and asked) before the lease lapses.
    const leases = new SessionLeases({ redis: connection, processId: randomUUID(), prefix, ttlMs: 3_000, renewEveryMs: 1_000, log: noopLogger });
    try {
      expect(await leases.acquire('s8')).toBe(true);
      await sleep(1_500);
      let ttlLeftWhenLost: number | undefined;
      const lost = new Promise<void>((done) =>
        leases.on('lost', () => {
          // Let Redis go on at once and ask how long the lease still had to live.
          frozen.signal('SIGCONT');
          void connectRedis(frozen.url, 'check', noopLogger).then(async (check) => {
            ttlLeftWhenLost = await check.pttl(`${prefix}lease:s8`);
            check.disconnect();
            done();
          });
        }),
      );

      frozen.signal('SIGSTOP');
      await lost;

      expect(leases.holds('s8')).toBe(false);
      expect(ttlLeftWhenLost).toBeGreaterThan(0);
    } finally {
      await leases.close();
      connection.disconnect();
      await frozen.stop();
    }
  });
});
