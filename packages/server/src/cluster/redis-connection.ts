/**
 * A connection to the cluster's Redis, opened at start so a wrong REDIS_URL
 * or a Redis that is down stops the start with CLUSTER_UNAVAILABLE — after
 * CONNECT_TIMEOUT_MS of attempts, so a Redis slow to answer once (a loaded
 * machine, a Redis still starting) does not stop it. Commands
 * fail at once while the connection is down (no offline queue: a relayed
 * request must not wait minutes in a buffer), and time out when Redis does
 * not answer (a hung Redis or a silent network must not hold a lease renewal
 * past the lease); ioredis reconnects by itself and a subscriber connection
 * subscribes again.
 */
import { ParleyError } from '@parley/protocol';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from '../util/logger.ts';

const CONNECT_TIMEOUT_MS = 5_000;
/** Between two attempts at start. */
const CONNECT_RETRY_MS = 250;
/** Well inside a session lease's TTL (DEFAULTS.cluster). */
const COMMAND_TIMEOUT_MS = 1_000;
/** Reconnect back-off: 100 ms more each attempt, at most 2 s. */
const reconnectDelayMs = (attempt: number) => Math.min(attempt * 100, 2_000);

export async function connectRedis(url: string, role: string, log: Logger): Promise<Redis> {
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  for (;;) {
    try {
      return await connectOnce(url, role, log);
    } catch (error) {
      // The ready check is a command, under COMMAND_TIMEOUT_MS: one slow answer must not end the start.
      if (Date.now() + CONNECT_RETRY_MS >= deadline) throw error;
      log.debug({ err: error, role }, 'redis not ready yet; trying again');
      await sleep(CONNECT_RETRY_MS);
    }
  }
}

async function connectOnce(url: string, role: string, log: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectionName: `parley-${process.pid}-${role}`,
    retryStrategy: reconnectDelayMs,
  });
  let lastError = '';
  // ioredis reports every failed reconnect: log each distinct reason once.
  redis.on('error', (err: Error) => {
    if (err.message === lastError) return;
    lastError = err.message;
    log.warn({ err, role }, 'redis connection error');
  });
  redis.on('ready', () => {
    if (lastError) log.info({ role }, 'redis connection back');
    lastError = '';
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new ParleyError('CLUSTER_UNAVAILABLE', `Redis (REDIS_URL) is not reachable: ${(error as Error).message}`, { cause: error });
  }
  return redis;
}

/** Runs a Redis command, turning a failure of the connection into CLUSTER_UNAVAILABLE. */
export async function redisCommand<T>(what: string, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    throw new ParleyError('CLUSTER_UNAVAILABLE', `${what}: ${(error as Error).message}`, { cause: error });
  }
}
