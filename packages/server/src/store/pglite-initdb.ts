/**
 * Creates a PGlite data directory in a child process. The first start in an
 * empty directory runs initdb, which for a few seconds holds three WebAssembly
 * instances (initdb, a bootstrap backend, the database) and ~700 MB; freed
 * WebAssembly and allocator memory is not given back to the system, so a
 * server that ran initdb itself would keep ~800 MB resident for ever. The child
 * exits when the directory is ready and its memory goes with it. It runs with
 * the server's own memory settings (pglite-memory.ts), which lower its peak
 * (876 → 669 MB; docs/benchmarks.md, Footprint).
 *
 * The child builds the cluster beside the data directory and it is renamed into
 * place once complete, so a first start killed half-way leaves no half-made
 * cluster for the next start to open.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { LIFTOFF_ONLY_FLAG, PGLITE_MEMORY_PARAMS } from './pglite-memory.ts';

const INITDB_TIMEOUT_MS = 120_000;

/** Run by `node -e` with the PGlite entry, the data directory and the extra start parameters (JSON) as arguments. */
const INITDB_SCRIPT = `
const [entry, dataDir, params] = process.argv.slice(1);
const { PGlite } = require(entry);
const db = new PGlite({ dataDir, startParams: [...PGlite.defaultStartParams, ...JSON.parse(params)] });
db.waitReady.then(() => db.close()).catch((error) => { console.error(error); process.exit(1); });
`;

/** Whether dataDir holds an initialised cluster (initdb writes PG_VERSION). */
export function isPgliteDataDir(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Runs initdb for dataDir in a child process, unless it is initialised already.
 * dataDir may be missing or empty; anything else in it is left alone and the
 * start fails rather than mix a new cluster into it.
 */
export async function initPgliteDataDir(dataDir: string): Promise<void> {
  if (isPgliteDataDir(dataDir)) return;
  const building = `${dataDir}.initdb`; // a single server per DATA_DIR: a leftover is from a start that was killed
  await rm(building, { recursive: true, force: true });
  await mkdir(dirname(dataDir), { recursive: true });
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  try {
    const args = [LIFTOFF_ONLY_FLAG, '-e', INITDB_SCRIPT, entry, building, JSON.stringify(PGLITE_MEMORY_PARAMS)];
    await promisify(execFile)(process.execPath, args, { timeout: INITDB_TIMEOUT_MS });
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`PGlite: initdb for ${dataDir} failed${stderr ? `: ${stderr.slice(-2000)}` : ''}`, { cause: error });
  }
  if (!isPgliteDataDir(building)) throw new Error(`PGlite: initdb for ${dataDir} left no PG_VERSION`);
  try {
    // rename(2) replaces a missing or empty directory in one step.
    await rename(building, dataDir);
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw new Error(`PGlite: ${dataDir} is neither empty nor a PGlite database: ${(error as Error).message}`, { cause: error });
  }
}
