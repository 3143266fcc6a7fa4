/**
 * How a lease's time left is read from Redis's PTTL (the rest of SessionLeases
 * runs against a real redis-server in session-leases.int.test.ts).
 */
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { noopLogger } from '../util/logger.ts';
import { SessionLeases } from './session-leases.ts';

/** Leases over a Redis whose PTTL answers `pttl`. */
function leasesWithPttl(pttl: number): SessionLeases {
  const redis = { pttl: async () => pttl } as unknown as Redis;
  return new SessionLeases({ redis, processId: 'p1', prefix: 'test:', ttlMs: 5_000, renewEveryMs: 1_500, log: noopLogger });
}

describe("a session lease's time left", () => {
  it('is what Redis says while the lease is held', async () => {
    expect(await leasesWithPttl(1_234).timeLeft('s')).toBe(1_234);
  });

  it('is at least 1 ms in the lease\'s last millisecond (PTTL 0): the lease is still held, nobody can take it yet', async () => {
    expect(await leasesWithPttl(0).timeLeft('s')).toBe(1);
  });

  it('is 0 once the lease is gone (PTTL -2)', async () => {
    expect(await leasesWithPttl(-2).timeLeft('s')).toBe(0);
  });
});
