/**
 * Folders the server serves files from, found from its own package folder:
 * this module runs from src/ (tsx) or from the bundle in dist/ (npm run build),
 * so the package is found by its package.json, not by a fixed number of `..`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function serverPackageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@parley/server') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("@parley/server's package.json not found above the server's code");
    dir = up;
  }
}

const SERVER = serverPackageDir();
/** packages/sdk: its package.json (the version) and dist/browser (the served bundle). */
export const SDK_PACKAGE_DIR = join(SERVER, '..', 'sdk');
/** apps/demo: the page at `/`. */
export const DEMO_DIR = join(SERVER, '..', '..', 'apps', 'demo');
