/**
 * A process that holds one session lease and keeps renewing it, for the test
 * that freezes a lease holder with SIGSTOP (cluster/paused-owner.int.test.ts).
 * Env: REDIS_URL, PREFIX, SESSION_ID, TTL_MS, RENEW_MS. Prints `held <processId>`
 * once it holds the lease, `lost <sessionId>` when it learns it lost it.
 */
import { connectRedis } from '../cluster/redis-connection.ts';
import { SessionLeases } from '../cluster/session-leases.ts';
import { noopLogger } from '../util/logger.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`lease-holder: ${name} is not set`);
  return value;
};

const processId = `holder-${process.pid}`;
const redis = await connectRedis(env('REDIS_URL'), 'holder', noopLogger);
const leases = new SessionLeases({ redis, processId, prefix: env('PREFIX'), ttlMs: Number(env('TTL_MS')), renewEveryMs: Number(env('RENEW_MS')), log: noopLogger });
leases.on('lost', (sessionId) => console.log(`lost ${sessionId}`));
if (!(await leases.acquire(env('SESSION_ID')))) throw new Error('lease-holder: the lease was taken');
console.log(`held ${processId}`);
// The lease's renewal timer is unref'd: this keeps the process alive until it is killed.
setInterval(() => {}, 60_000);
