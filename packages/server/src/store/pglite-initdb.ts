/**
 * Creates a PGlite data directory in a child process. The first start in an
 * empty directory runs initdb, which for two seconds holds three WebAssembly
 * instances (initdb, a bootstrap backend, the database) and ~750 MB; freed
 * WebAssembly and allocator memory is not given back to the system, so a
 * server that ran initdb itself would keep ~800 MB resident for ever. The child
 * exits when the directory is ready and its memory goes with it. It runs with
 * the server's own memory settings (pglite-memory.ts), which lower its peak.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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

/** Runs initdb into dataDir in a child process, unless it is initialised already. */
export async function initPgliteDataDir(dataDir: string): Promise<void> {
  if (isPgliteDataDir(dataDir)) return;
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  try {
    // The server's memory settings lower the child's peak too: 876 → 669 MB (docs/benchmarks.md, Footprint).
    const args = [LIFTOFF_ONLY_FLAG, '-e', INITDB_SCRIPT, entry, dataDir, JSON.stringify(PGLITE_MEMORY_PARAMS)];
    await promisify(execFile)(process.execPath, args, { timeout: INITDB_TIMEOUT_MS });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`PGlite: initdb in ${dataDir} failed${stderr ? `: ${stderr.slice(-2000)}` : ''}`, { cause: error });
  }
  if (!isPgliteDataDir(dataDir)) throw new Error(`PGlite: initdb in ${dataDir} left no PG_VERSION`);
}
