/**
 * One small interface over the two databases Parley runs on: PGlite
 * (embedded, the default) and PostgreSQL (DATABASE_URL). Everything above
 * speaks SQL with $1 parameters through it.
 */
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { type Logger, noopLogger } from '../util/logger.ts';
import { initPgliteDataDir } from './pglite-initdb.ts';
import { compileWasmWithBaselineOnly, PGLITE_MEMORY_PARAMS } from './pglite-memory.ts';

export type Row = Record<string, unknown>;

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs fn inside one transaction; rolls back when it throws. */
  transaction<T>(fn: (tx: Pick<Database, 'query'>) => Promise<T>): Promise<T>;
  /**
   * Queries and transactions asked for within the next `ms` start once it is
   * over (a transaction under way goes on). PGlite works on this process's own
   * thread, so a moment that must not wait for the database asks it to hold
   * back (a join: event-wiring.ts). PostgreSQL works in its own processes:
   * nothing waits.
   */
  holdFor(ms: number): void;
  close(): Promise<void>;
}

/**
 * Opens PGlite in dataDir (undefined: in memory), with its memory kept small
 * (pglite-memory.ts) and a new directory's initdb run in a child process
 * (pglite-initdb.ts). `options` go to PGlite as they are, e.g. `loadDataDir` to
 * start from a dumped template (tests clone one instead of running initdb).
 */
export async function openPglite(dataDir: string | undefined, options: PGliteOptions = {}): Promise<Database> {
  compileWasmWithBaselineOnly();
  if (dataDir !== undefined && !options.loadDataDir) await initPgliteDataDir(dataDir);
  const { PGlite } = await import('@electric-sql/pglite');
  const startParams = [...PGlite.defaultStartParams, ...PGLITE_MEMORY_PARAMS];
  const db = new PGlite({ startParams, ...options, ...(dataDir === undefined ? {} : { dataDir }) });
  await db.waitReady;
  return pgliteDatabase(db);
}

/** Wraps an open PGlite instance (the caller keeps it, e.g. to dump its data dir). */
export function pgliteDatabase(db: PGlite): Database {
  let closed = false;
  /**
   * What new work waits for: resolved, or a hold's timer. Every piece awaits the one current
   * promise, so work starts in the order it was asked for, as PGlite's own queue would run it
   * (a read asked for after a write still sees it); a later, longer hold makes a new promise,
   * so work already waiting waits once.
   */
  let gate = Promise.resolve();
  let heldUntil = 0;
  return {
    kind: 'pglite',
    async query<T extends Row>(sql: string, params: unknown[] = []) {
      await gate;
      return (await db.query<T>(sql, params)).rows;
    },
    async transaction(fn) {
      await gate;
      return db.transaction((tx) => fn({ query: async <T extends Row>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows }));
    },
    holdFor(ms) {
      const until = performance.now() + ms;
      if (until <= heldUntil) return;
      heldUntil = until;
      gate = new Promise<void>((resolve) => setTimeout(resolve, ms));
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}

export async function openPostgres(url: string, log: Logger = noopLogger): Promise<Database> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle pooled connection that PostgreSQL closes (a restart, a failover, an
  // administrator's terminate) is reported here; without a listener that would
  // crash the process. The pool drops that connection and opens a fresh one for
  // the next query, so a lasting outage still shows there, as a failed query.
  pool.on('error', (error) => log.warn({ err: error }, 'an idle PostgreSQL connection was closed; the pool replaces it'));
  // Fail at start, with the real reason, rather than on the first request.
  await pool.query('select 1');
  let closed = false;
  return {
    kind: 'postgres',
    async query<T extends Row>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({ query: async <T extends Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[] });
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    },
    holdFor() {},
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
