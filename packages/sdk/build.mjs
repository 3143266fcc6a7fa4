// Builds @parley/sdk (see README.md, "Builds"):
//   dist/browser/  what the server serves at /sdk/ and /sdk/v<version>/: parley.js (the core,
//                  ParleyCalls, the plain layout and the ringing screens) and the default UI as
//                  a chunk parley.js imports when a session asks for it; minified, source maps
//   dist/lib/      the npm package's ES modules: entries index (.), core (./core), ui (./ui),
//                  shared code and the default UI in chunks; not minified (the app's bundler
//                  minifies), source maps with their sources
//   dist/types/    the declarations, from tsc (tsconfig.build.json)
// and the demo app (apps/demo/src) into apps/demo/dist/demo.js, which uses the served SDK.
// Both bundles resolve @parley/protocol to its runtime part (no zod, no schemas) and carry the
// UI's stylesheets minified (minify-css.mjs).
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { minifyCss } from './minify-css.mjs';
import { protocolRuntimeOnly } from './protocol-runtime-only.mjs';

const here = new URL('.', import.meta.url).pathname;
const demo = new URL('../../apps/demo/', import.meta.url).pathname;
const target = ['chrome110', 'firefox115', 'safari16'];
/** `--no-types`: skip tsc (the browser bundles alone, for quick runs). */
const withTypes = !process.argv.includes('--no-types');

// The demo is typed against @parley/sdk but loads the bundle the server serves,
// so the page has one copy of the SDK (one ParleyError class, one ringing channel).
// It takes only types from @parley/protocol: a value would bundle a second copy.
const demoUsesServedSdk = {
  name: 'demo-uses-served-sdk',
  setup(b) {
    b.onResolve({ filter: /^@parley\/sdk$/ }, () => ({ path: '/sdk/parley.js', external: true }));
    b.onResolve({ filter: /^@parley\/protocol$/ }, () => ({
      errors: [{ text: 'the demo imports only types from @parley/protocol; take values from @parley/sdk' }],
    }));
  },
};

/** What both SDK builds share: ES modules for browsers, split so the default UI is a chunk of its own. */
const sdkBuild = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [protocolRuntimeOnly, minifyCss(target)],
};

/**
 * Removes the chunks of earlier builds from `dir`. parley.js is overwritten in
 * place rather than the folder emptied first, so a server serving it while this
 * runs never finds it missing.
 */
function pruneOldChunks(dir, metafile) {
  const current = new Set(Object.keys(metafile.outputs).map((file) => file.split('/').pop()));
  for (const file of readdirSync(`${dir}/chunks`)) if (!current.has(file)) rmSync(`${dir}/chunks/${file}`);
}

const served = await build({
  ...sdkBuild,
  entryPoints: { parley: `${here}src/index.ts` },
  outdir: `${here}dist/browser`,
  minify: true,
  metafile: true,
});
pruneOldChunks(`${here}dist/browser`, served.metafile);

rmSync(`${here}dist/lib`, { recursive: true, force: true });
rmSync(`${here}dist/types`, { recursive: true, force: true });

await build({
  ...sdkBuild,
  entryPoints: { index: `${here}src/index.ts`, core: `${here}src/core.ts`, ui: `${here}src/ui.ts` },
  outdir: `${here}dist/lib`,
});

if (withTypes) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', `${here}tsconfig.build.json`], { stdio: 'inherit' });
}

await build({
  entryPoints: [`${demo}src/main.ts`],
  outfile: `${demo}dist/demo.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target,
  sourcemap: true,
  logLevel: 'warning',
  // uPlot's stylesheet comes in as text, put in a <style> by the page (quality-chart.ts).
  loader: { '.css': 'text' },
  plugins: [demoUsesServedSdk],
});
