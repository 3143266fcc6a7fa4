/**
 * For integration tests of several server processes: one throwaway PostgreSQL
 * database and one Redis, and server processes started on them (each with a
 * data folder of its own; killed with -9 at the end, as a crash would). The
 * caller runs `close` (afterEach or afterAll).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../defaults.ts';
import { connectRedis } from '../cluster/redis-connection.ts';
import { noopLogger } from '../util/logger.ts';
import { startTestRedis } from './redis-server.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';
import { createTestDatabase } from './test-store.ts';

export interface ClusterProcesses {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** The process id holding a session's lease, or null. */
  leaseOwner(sessionId: string): Promise<string | null>;
  /** A server process on the shared database and Redis; `env` on top of the common settings. */
  start(env?: Record<string, string>): Promise<ServerProcess>;
  close(): Promise<void>;
}

export async function startClusterProcesses(common: Record<string, string>): Promise<ClusterProcesses> {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  try {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const redis = await startTestRedis();
    cleanups.push(() => redis.stop());
    const admin = await connectRedis(redis.url, 'test', noopLogger);
    cleanups.push(() => admin.disconnect());
    return {
      databaseUrl: database.url,
      redisUrl: redis.url,
      leaseOwner: (sessionId) => admin.get(`${DEFAULTS.cluster.redisPrefix}lease:${sessionId}`),
      async start(env = {}) {
        const dataDir = mkdtempSync(join(tmpdir(), 'parley-cluster-process-'));
        cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
        const server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: database.url, REDIS_URL: redis.url, ...common, ...env });
        cleanups.push(() => server.kill('SIGKILL'));
        return server;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
