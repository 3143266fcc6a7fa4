/**
 * PostgreSQL closing the server's idle connections (a restart, a failover, an
 * administrator's pg_terminate_backend) is logged and survived: the next query
 * runs on a fresh connection. Before the pool had an error listener, this was
 * an uncaught exception that would end the server's process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDatabaseUrl } from '../testing/test-store.ts';
import type { Logger } from '../util/logger.ts';
import { openPostgres } from './database.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function recordingLogger(warnings: string[]): Logger {
  const log: Logger = {
    info: () => {},
    debug: () => {},
    error: () => {},
    warn: (_obj, msg) => warnings.push(msg ?? ''),
    child: () => log,
  };
  return log;
}

describe('the PostgreSQL connection pool', () => {
  it('logs idle connections that PostgreSQL terminates, and answers the next query on a new one', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const warnings: string[] = [];
    const db = await openPostgres(database.url, recordingLogger(warnings));
    cleanups.push(() => db.close());
    await Promise.all([db.query('select pg_sleep(0.05)'), db.query('select pg_sleep(0.05)')]); // two idle connections now

    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    const name = new URL(database.url).pathname.slice(1);
    const { rows } = await admin.query('select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    await admin.end();
    expect(Number(rows[0].n)).toBeGreaterThanOrEqual(2);

    await expect.poll(() => warnings.length).toBeGreaterThanOrEqual(2);
    expect(await db.query<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }]);
  });
});
