/**
 * Brings a database up to a list of migrations — once, however many server
 * processes start at the same moment against one PostgreSQL (issue 17):
 *
 * - Everything runs in one transaction that first takes a transaction-level
 *   advisory lock. A second process starting meanwhile waits on the lock, then
 *   finds every migration applied. A process that dies half-way releases the
 *   lock with its connection, and its half-done work rolls back.
 * - Each applied migration's checksum (SHA-256 of the statements it ran) is
 *   kept in `schema_migrations.checksum` and compared at every start: an edited
 *   shipped migration stops the server (MIGRATION_CHECKSUM_MISMATCH) rather
 *   than leaving databases that silently differ. Rows from before checksums
 *   existed take the current checksum the first time they are seen.
 * - Appended migrations are simply the ones not applied yet; applied versions
 *   this server does not know (a newer build ran them, during a rolling
 *   upgrade) are left alone.
 *
 * PGlite runs the same SQL: the lock is then uncontended.
 */
import { createHash } from 'node:crypto';
import { ParleyError } from '@parley/protocol';
import type { Database } from './database.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Statements separated by `;`. */
  readonly sql: string;
}

/** The advisory lock every Parley process takes around its migrations ("parl"). */
const MIGRATIONS_LOCK_KEY = 0x7061_726c;

function statementsOf(migration: Migration): string[] {
  return migration.sql
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** What is compared at each start: the statements the migration runs, so indentation or a trailing `;` does not count as a change. */
export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(statementsOf(migration).join(';\n')).digest('hex');
}

/** Applies the migrations this database lacks, in order; returns their versions (empty when there was nothing to do). */
export async function runMigrations(db: Database, migrations: readonly Migration[]): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATIONS_LOCK_KEY]);
    await tx.query(`create table if not exists schema_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    await tx.query('alter table schema_migrations add column if not exists checksum text');
    const rows = await tx.query<{ version: number; checksum: string | null }>('select version, checksum from schema_migrations');
    const applied = new Map(rows.map((r) => [Number(r.version), r.checksum]));

    const ran: number[] = [];
    for (const migration of migrations) {
      const checksum = migrationChecksum(migration);
      if (!applied.has(migration.version)) {
        for (const statement of statementsOf(migration)) await tx.query(statement);
        await tx.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [migration.version, migration.name, checksum]);
        ran.push(migration.version);
        continue;
      }
      const stored = applied.get(migration.version);
      if (stored === null) {
        await tx.query('update schema_migrations set checksum = $2 where version = $1', [migration.version, checksum]);
      } else if (stored !== checksum) {
        throw new ParleyError(
          'MIGRATION_CHECKSUM_MISMATCH',
          `Migration ${migration.version} (${migration.name}) was applied with checksum ${stored}, but this server's copy has ${checksum}: ` +
            'an applied migration was edited. Put the change in a new migration; the server does not start.',
          { details: { version: migration.version, name: migration.name, applied: stored, expected: checksum } },
        );
      }
    }
    return ran;
  });
}
