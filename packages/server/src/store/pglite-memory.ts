/**
 * How much memory the embedded database may hold. PGlite is PostgreSQL compiled
 * to WebAssembly: its memory only grows, and every page it touches stays
 * resident for the life of the process, so each setting here is paid for in
 * RSS from start to stop. Measured figures: docs/benchmarks.md, "Footprint".
 */
import { setFlagsFromString } from 'node:v8';

/**
 * Appended to PGlite's own start parameters (`PGlite.defaultStartParams`, which
 * keep `-F`: see docs/benchmarks.md on durability). PostgreSQL's default
 * `shared_buffers=128MB` is touched at start and costs ~130 MB RSS; Parley's
 * tables are small and PGlite reads through the OS page cache, so 4 MB (512
 * pages) holds the hot pages. `wal_buffers` follows it (1/32).
 */
export const PGLITE_MEMORY_PARAMS = ['-c', 'shared_buffers=4MB'];

/** The V8 flag that keeps WebAssembly on the baseline compiler; also given to a child `node` that runs PGlite (pglite-initdb.ts). */
export const LIFTOFF_ONLY_FLAG = '--liftoff-only';

/**
 * Makes V8 compile WebAssembly with its baseline compiler (Liftoff) only. By
 * default V8 re-compiles hot PostgreSQL functions with TurboFan, and the
 * optimised code and the compiler's memory stay: ~70 MB more after a few
 * thousand queries, for no gain here (measured: inserts were 3× faster with
 * Liftoff only, the tier-up's compile work costing more than it saves on two cores).
 * PGlite is the only WebAssembly the server runs; the flag must be set before
 * its module is compiled, so before the first PGlite opens.
 */
export function compileWasmWithBaselineOnly(): void {
  setFlagsFromString(LIFTOFF_ONLY_FLAG);
}
