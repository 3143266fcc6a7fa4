/**
 * The migration runner on a real PostgreSQL (TEST_DATABASE_URL, which `npm test`
 * provides) and on PGlite: several processes starting at once apply the
 * migrations once; an applied migration that was edited stops the start;
 * appended ones are applied.
 */
import { isParleyError } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestStore } from '../testing/test-store.ts';
import { type Database, openPostgres } from './database.ts';
import { type Migration, migrationChecksum, runMigrations } from './migration-runner.ts';
import { MIGRATIONS } from './migrations.ts';

interface Fixture {
  db: Database;
  close(): Promise<void>;
}

async function postgresFixture(): Promise<Fixture> {
  const database = await createTestDatabase();
  const db = await openPostgres(database.url);
  return {
    db,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}

/** A migrated PGlite clone: versions 1… are applied already, which these tests' own migrations (1001…) must leave alone. */
async function pgliteFixture(): Promise<Fixture> {
  const store = await createTestStore();
  return { db: store.db, close: () => store.close() };
}

const NOTES: Migration = { version: 1001, name: 'notes', sql: 'create table notes (id integer primary key); create index notes_id on notes(id)' };
const TAGS: Migration = { version: 1002, name: 'tags', sql: 'create table tags (id integer)' };

async function tableExists(db: Database, name: string): Promise<boolean> {
  const rows = await db.query<{ found: string | null }>('select to_regclass($1)::text as found', [name]);
  return rows[0]?.found != null;
}

async function refusal(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
  } catch (error) {
    return error;
  }
  throw new Error('expected the migrations to be refused');
}

let fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
  fixtures = [];
});

describe('four processes starting at once against one empty PostgreSQL', () => {
  it('applies every migration once, and every process starts', async () => {
    const database = await createTestDatabase();
    const processes = await Promise.all([1, 2, 3, 4].map(() => openPostgres(database.url)));
    fixtures.push({
      async close() {
        await Promise.all(processes.map((db) => db.close()));
        await database.drop();
      },
      db: processes[0] as Database,
    });

    const ran = await Promise.all(processes.map((db) => runMigrations(db, MIGRATIONS)));

    const all = MIGRATIONS.map((m) => m.version);
    expect(ran.filter((versions) => versions.length > 0)).toEqual([all]);
    expect(ran.filter((versions) => versions.length === 0)).toHaveLength(3);
    const rows = await processes[0]!.query<{ version: number; checksum: string }>('select version, checksum from schema_migrations order by version');
    expect(rows.map((r) => Number(r.version))).toEqual(all);
    expect(rows.map((r) => r.checksum)).toEqual(MIGRATIONS.map(migrationChecksum));
  });
});

describe.each([
  ['PostgreSQL', postgresFixture],
  ['PGlite', pgliteFixture],
])('migrations on %s', (_kind, open) => {
  async function fixture(): Promise<Database> {
    const f = await open();
    fixtures.push(f);
    return f.db;
  }

  it('applies a migration appended to the list, and only that one', async () => {
    const db = await fixture();
    expect(await runMigrations(db, [NOTES])).toEqual([1001]);
    expect(await runMigrations(db, [NOTES, TAGS])).toEqual([1002]);
    expect(await runMigrations(db, [NOTES, TAGS])).toEqual([]);
    expect(await tableExists(db, 'tags')).toBe(true);
  });

  it('refuses to start when an applied migration was edited, naming it, and applies nothing else', async () => {
    const db = await fixture();
    await runMigrations(db, [NOTES]);
    const edited = { ...NOTES, sql: 'create table notes (id bigint primary key)' };

    const error = await refusal(runMigrations(db, [edited, TAGS]));

    expect(isParleyError(error, 'MIGRATION_CHECKSUM_MISMATCH')).toBe(true);
    expect((error as Error).message).toContain('Migration 1001 (notes)');
    expect((error as { details: unknown }).details).toEqual({
      version: 1001,
      name: 'notes',
      applied: migrationChecksum(NOTES),
      expected: migrationChecksum(edited),
    });
    expect(await tableExists(db, 'tags')).toBe(false);
  });

  it('does not count indentation or a trailing semicolon as an edit', async () => {
    const db = await fixture();
    await runMigrations(db, [NOTES]);
    const reformatted = { ...NOTES, sql: `\n      ${NOTES.sql.replace('; ', ';\n      ')};\n    ` };
    expect(await runMigrations(db, [reformatted])).toEqual([]);
  });

  it('gives rows from before checksums the current one, and catches an edit from then on', async () => {
    const db = await fixture();
    await runMigrations(db, [NOTES]);
    // What an older server leaves: no checksum column at all.
    await db.query('alter table schema_migrations drop column checksum');

    expect(await runMigrations(db, [NOTES])).toEqual([]);
    const rows = await db.query<{ checksum: string }>('select checksum from schema_migrations where version = 1001');
    expect(rows[0]?.checksum).toBe(migrationChecksum(NOTES));
    const error = await refusal(runMigrations(db, [{ ...NOTES, sql: 'create table notes (id text)' }]));
    expect(isParleyError(error, 'MIGRATION_CHECKSUM_MISMATCH')).toBe(true);
  });
});
