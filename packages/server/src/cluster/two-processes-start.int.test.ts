/**
 * Issue 17.5 end to end: two real server processes (with their Janus) started
 * at the same moment on an empty PostgreSQL, sharing one Redis, both come up;
 * the migrations were applied once, and each process is connected to Redis.
 * Needs TEST_DATABASE_URL (`npm test` provides it) and runs inside the test
 * network namespace (scripts/in-netns.sh), like every test with a real Janus.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { migrationChecksum } from '../store/migration-runner.ts';
import { MIGRATIONS } from '../store/migrations.ts';
import { openPostgres } from '../store/database.ts';
import { startClusterProcesses } from '../testing/cluster-processes.ts';
import type { ServerProcess } from '../testing/server-process.ts';
import { connectRedis } from './redis-connection.ts';
import { noopLogger } from '../util/logger.ts';

const API_KEY = 'two-processes-api-key-0123456789abcdef';
const TOKEN_SECRET = 'two-processes-token-secret-0123456789abcdefghijklmnop';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

describe('two server processes started at the same moment on an empty PostgreSQL, with one Redis', () => {
  it('both come up, with one set of migrations applied, each connected to Redis', async () => {
    const c = await startClusterProcesses({ PARLEY_API_KEY: API_KEY, PARLEY_TOKEN_SECRET: TOKEN_SECRET, PORT: '0' });
    cleanups.push(() => c.close());

    const started = await Promise.allSettled([c.start(), c.start()]);
    const servers = started.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    }) as [ServerProcess, ServerProcess];

    expect(await Promise.all(servers.map((s) => fetch(`${s.url}/healthz`).then((r) => r.status)))).toEqual([200, 200]);
    const db = await openPostgres(c.databaseUrl);
    try {
      const rows = await db.query<{ version: number; checksum: string }>('select version, checksum from schema_migrations order by version');
      expect(rows.map((r) => [Number(r.version), r.checksum])).toEqual(MIGRATIONS.map((m) => [m.version, migrationChecksum(m)]));
    } finally {
      await db.close();
    }
    const admin = await connectRedis(c.redisUrl, 'test', noopLogger);
    try {
      const clients = String(await admin.client('LIST'));
      for (const s of servers) expect(clients).toContain(`name=parley-${s.proc.pid}-commands`);
    } finally {
      admin.disconnect();
    }
    // Two server processes starting at once on two cores: 6 s at load 9, several times that when the machine is busier.
  }, 60_000);
});
