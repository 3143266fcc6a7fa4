/**
 * The packages as a developer gets them from npm: `npm pack` of @parley/sdk,
 * @parley/server-sdk and @parley/react (and @parley/protocol, whose types they
 * share), installed from the tarballs into an app outside the workspace, which
 * typechecks with `tsc --strict` (`moduleResolution: bundler`, the declarations
 * checked too) and bundles for browsers with esbuild within the size goals.
 * The app's snippets are in ./app.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPackages } from '../../scripts/pack.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SNIPPETS = fileURLToPath(new URL('./app/', import.meta.url));
const require = createRequire(import.meta.url);
/**
 * Size limits, gzipped (1 kB = 1000 bytes): the SDK bundled by an app. Issue 15's goal with the
 * UI is 32 kB, met when it landed (31.2 kB); screen share, simulcast, adaptation and network
 * quality (issue 13) took it to 38.0 kB. Size-only changes took 1.3 kB off while the same
 * session's features added about as much (37.9 kB at its end); what is left is code features
 * need (docs/benchmarks.md, "Bundle size", part by part), so 32 kB needs a decision on features
 * or API. Until then this budget keeps it from growing further.
 */
const GOAL = { withoutUi: 20_000, withUi: 38_500 };

/** The version the workspace has of a registry package, so npm takes it from its cache. */
const workspaceVersion = (name: string): string => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;

let app: string;
let tarballs: string[];

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'parley-app-'));
  tarballs = packPackages(join(app, 'packs'));
  cpSync(SNIPPETS, app, { recursive: true });
  const registry = ['react', 'react-dom', '@types/react', '@types/react-dom', '@types/node'].map((name) => `${name}@${workspaceVersion(name)}`);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'throwaway-app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, ...registry], { cwd: app, stdio: 'pipe' });
}, 240_000);
afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

/** Gzipped bytes of each JavaScript file an app's bundle of `entry` makes (the entry and its chunks). */
async function bundleSizes(entry: string): Promise<{ entry: number; total: number; inputs: string[] }> {
  const result = await build({
    entryPoints: [join(app, entry)],
    absWorkingDir: app,
    outdir: join(app, 'out'),
    bundle: true,
    splitting: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const gz = (code: Uint8Array) => gzipSync(code, { level: constants.Z_BEST_COMPRESSION }).length;
  const js = result.outputFiles.filter((f) => f.path.endsWith('.js'));
  const entryFile = js.find((f) => result.metafile.outputs[`out/${f.path.split('/out/')[1]}`]?.entryPoint === entry);
  return { entry: gz(entryFile!.contents), total: js.reduce((sum, f) => sum + gz(f.contents), 0), inputs: Object.keys(result.metafile.inputs) };
}

describe('the packed packages, installed into an app outside the workspace', () => {
  it('publish dist/ only: built JavaScript, declarations, source maps, the licence', () => {
    const listing = execFileSync('tar', ['tzf', tarballs.find((t) => t.includes('parley-sdk-'))!], { encoding: 'utf8' }).split('\n');
    expect(listing).toEqual(expect.arrayContaining(['package/LICENSE', 'package/dist/lib/index.js', 'package/dist/lib/core.js', 'package/dist/lib/ui.js', 'package/dist/types/index.d.ts']));
    expect(listing.filter((f) => f.includes('/src/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/@parley/sdk/package.json'), 'utf8'));
    expect(manifest).toMatchObject({ license: 'MIT', sideEffects: false, exports: { './core': { types: './dist/types/core.d.ts' } } });
    expect(manifest.private).toBeUndefined();
  });

  it('typecheck with tsc --strict: the seed flow, a headless app, a backend, a React app', () => {
    const tsc = require.resolve('typescript/bin/tsc');
    const run = () => execFileSync(process.execPath, [tsc, '-p', join(app, 'tsconfig.json')], { cwd: app, encoding: 'utf8' });
    expect(run).not.toThrow();
  }, 120_000);

  it(`bundle a headless app from @parley/sdk/core within ${GOAL.withoutUi / 1000} kB gzipped, without zod or the UI`, async () => {
    const sizes = await bundleSizes('headless-app.ts');
    console.log(`@parley/sdk/core in an app: ${(sizes.total / 1000).toFixed(1)} kB gzipped`);
    expect(sizes.total).toBeLessThanOrEqual(GOAL.withoutUi);
    expect(sizes.inputs.filter((f) => /zod|chunks\/default-/.test(f))).toEqual([]);
  });

  it(`bundle the seed flow with the default UI within ${GOAL.withUi / 1000} kB gzipped, the UI a chunk of its own`, async () => {
    const sizes = await bundleSizes('seed-app.ts');
    console.log(`@parley/sdk with the default UI in an app: ${(sizes.entry / 1000).toFixed(1)} kB gzipped before the UI, ${(sizes.total / 1000).toFixed(1)} kB with it`);
    expect(sizes.total).toBeLessThanOrEqual(GOAL.withUi);
    expect(sizes.entry).toBeLessThan(sizes.total);
    expect(sizes.inputs.filter((f) => f.includes('zod'))).toEqual([]);
  });

  it("run the server SDK's CLI from its built bin", () => {
    const help = execFileSync(join(app, 'node_modules/.bin/parley'), ['--help'], { encoding: 'utf8' });
    expect(help).toMatch(/users create/);
  });
});
