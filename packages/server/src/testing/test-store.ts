/**
 * Stores for tests, each one fresh and isolated.
 *
 * PGlite: creating one runs initdb (4–6 s), so a migrated template is made once
 * and every test store is an in-memory copy of it (`loadDataDir`), which takes
 * well under a second. The template is kept in a module-level promise and on disk
 * under os.tmpdir, keyed by PGlite's version and the migrations, so later test
 * files (other workers) skip initdb too.
 *
 * PostgreSQL: a new database per store on the server at TEST_DATABASE_URL
 * (`npm test` starts one), dropped on close.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openPglite, openPostgres, pgliteDatabase } from '../store/database.ts';
import { type Store, storeOn } from '../store/index.ts';
import { MIGRATIONS, migrate } from '../store/migrations.ts';

export type TestStoreFactory = () => Promise<Store>;

function pgliteVersion(): string {
  try {
    // package.json is not in PGlite's exports: find it next to the resolved entry.
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string };
    return String(pkg.version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

function templateFile(): string {
  const key = createHash('sha256')
    .update(pgliteVersion())
    .update(JSON.stringify(MIGRATIONS.map((m) => [m.version, m.name, m.sql])))
    .digest('hex')
    .slice(0, 16);
  return join(tmpdir(), `parley-pglite-template-${key}.tar`);
}

async function makeTemplate(): Promise<Blob> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = new PGlite();
  await pg.waitReady;
  await migrate(pgliteDatabase(pg));
  const dump = await pg.dumpDataDir('none');
  await pg.close();
  return dump;
}

async function loadOrMakeTemplate(): Promise<Blob> {
  const file = templateFile();
  try {
    return new Blob([await readFile(file)]);
  } catch {
    // not there yet: make it below
  }
  const dump = await makeTemplate();
  // Write then rename, so a concurrent reader never sees half a file.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(partial, new Uint8Array(await dump.arrayBuffer()));
    await rename(partial, file);
    // Templates of older migrations are 40 MB each: keep only the current one.
    for (const name of await readdir(tmpdir())) {
      const path = join(tmpdir(), name);
      if (name.startsWith('parley-pglite-template-') && name.endsWith('.tar') && path !== file) await rm(path, { force: true });
    }
  } catch {
    // the cache is an optimisation only
  }
  return dump;
}

let template: Promise<Blob> | undefined;

async function openFromTemplate(blob: Blob): Promise<Store> {
  const db = await openPglite(undefined, { loadDataDir: blob });
  return storeOn(db); // migrate is a no-op here unless the template is stale
}

/** A fresh, migrated, in-memory PGlite store, cloned from the template. */
export async function createTestStore(): Promise<Store> {
  template ??= loadOrMakeTemplate();
  try {
    return await openFromTemplate(await template);
  } catch (error) {
    // A damaged cache file: make the template again, once, from scratch.
    template = makeTemplate();
    try {
      return await openFromTemplate(await template);
    } catch {
      throw error;
    }
  }
}

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set: the PostgreSQL store tests need a PostgreSQL server. ' +
        '`npm test` starts a throwaway one (Unix socket only); by hand: `source scripts/throwaway-postgres.sh && pg_start`, then `pg_stop`.',
    );
  }
  return url;
}

/** A new, empty database on TEST_DATABASE_URL's server: its URL, and a way to drop it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = testDatabaseUrl();
  const { default: pg } = await import('pg');
  const name = `t_${randomBytes(8).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh, migrated store in a new database on TEST_DATABASE_URL's server; the database is dropped on close. */
export async function createPostgresTestStore(): Promise<Store> {
  const database = await createTestDatabase();
  const store = await storeOn(await openPostgres(database.url));
  let closing: Promise<void> | undefined;
  return {
    ...store,
    close() {
      closing ??= (async () => {
        await store.close();
        await database.drop();
      })();
      return closing;
    },
  };
}
