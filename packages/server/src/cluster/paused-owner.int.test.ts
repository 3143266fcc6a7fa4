/**
 * A session's owner frozen (SIGSTOP: a stalled VM, a long GC pause) for longer
 * than its lease: another process takes the session over, and the old owner,
 * let go on (SIGCONT), learns at its next renewal that it lost the lease —
 * without taking it back. The owner is a real process (testing/lease-holder.ts)
 * against a real redis-server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { freeze } from '../testing/frozen-process.ts';
import { startTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { until } from '../testing/until.ts';
import { noopLogger } from '../util/logger.ts';
import { connectRedis } from './redis-connection.ts';
import { SessionLeases } from './session-leases.ts';

const HOLDER = fileURLToPath(new URL('../testing/lease-holder.ts', import.meta.url));
// A holder gives its leases up once no renewal succeeded for a TTL less one period: at 500 / 150 ms a
// 350 ms stall of either process (a loaded 2-core machine) lost a lease the test expects kept.
const TTL_MS = 1_500;
const RENEW_MS = 500;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

function startHolder(env: Record<string, string>): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  child.stdout?.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  child.stderr?.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  cleanups.push(async () => {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  });
  return { child, lines };
}

describe('a session owner paused longer than its lease', () => {
  it('is taken over by another process, and learns it lost the session when it wakes', async () => {
    const redis: TestRedis = await startTestRedis();
    cleanups.push(() => redis.stop());
    const prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
    const owner = startHolder({ REDIS_URL: redis.url, PREFIX: prefix, SESSION_ID: 's1', TTL_MS: String(TTL_MS), RENEW_MS: String(RENEW_MS) });
    await until(() => owner.lines.some((l) => l.startsWith('held ')), 'the owner to hold the lease', 20_000);
    const connection = await connectRedis(redis.url, 'other', noopLogger);
    const otherId = randomUUID();
    const other = new SessionLeases({ redis: connection, processId: otherId, prefix, ttlMs: TTL_MS, renewEveryMs: RENEW_MS, log: noopLogger });
    cleanups.push(async () => {
      await other.close();
      connection.disconnect();
    });

    // While the owner runs, its renewals keep the session its own.
    await sleep(TTL_MS * 2);
    expect(await other.acquire('s1')).toBe(false);

    await freeze(owner.child.pid as number);
    // A renewal sent just before the stop may reach Redis a moment later (a loaded machine): a period's margin.
    await sleep(TTL_MS + RENEW_MS);
    expect(await other.acquire('s1')).toBe(true);

    owner.child.kill('SIGCONT');
    await until(() => owner.lines.includes('lost s1'), 'the woken owner to hear it lost s1', 5_000);
    // Its renewals since left the new owner's lease alone.
    await sleep(TTL_MS * 2);
    expect(await other.owner('s1')).toBe(otherId);
    expect(other.holds('s1')).toBe(true);
  });
});
