/**
 * A new PGlite data directory is made by a child process: the cluster appears
 * whole, this process does not carry initdb's memory afterwards, and a
 * directory holding something else is refused rather than mixed into.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initPgliteDataDir, isPgliteDataDir } from './pglite-initdb.ts';

const root = mkdtempSync(join(tmpdir(), 'parley-initdb-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;

describe('making a PGlite data directory in a child process', () => {
  it('creates the whole cluster, and this process does not grow by initdb’s ~700 MB', async () => {
    const dataDir = join(root, 'fresh', 'pglite');
    const before = rssMb();
    await initPgliteDataDir(dataDir);
    expect(isPgliteDataDir(dataDir)).toBe(true);
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['base', 'global', 'pg_wal', 'postgresql.conf']));
    expect(readdirSync(join(root, 'fresh'))).toEqual(['pglite']); // nothing left beside it
    expect(rssMb() - before).toBeLessThan(100);
  }, 120_000);

  it('replaces an empty directory and the leftover of a start that was killed', async () => {
    const dataDir = join(root, 'empty', 'pglite');
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(`${dataDir}.initdb`);
    writeFileSync(join(`${dataDir}.initdb`, 'PG_VERSION'), '1'); // half-made by a killed first start
    await initPgliteDataDir(dataDir);
    expect(isPgliteDataDir(dataDir)).toBe(true);
    expect(readdirSync(join(root, 'empty'))).toEqual(['pglite']);
  }, 120_000);

  it('leaves a directory holding other files alone and says so', async () => {
    const dataDir = join(root, 'taken', 'pglite');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'notes.txt'), 'mine');
    await expect(initPgliteDataDir(dataDir)).rejects.toThrow('is neither empty nor a PGlite database');
    expect(readdirSync(dataDir)).toEqual(['notes.txt']);
    expect(readdirSync(join(root, 'taken'))).toEqual(['pglite']);
  }, 120_000);
});
