// Bundles the SDK (with its default UI) into one ES module, served at /sdk/parley.js,
// and the demo app (apps/demo/src) into apps/demo/dist/demo.js, which uses that SDK.
import { build } from 'esbuild';
import { protocolRuntimeOnly } from './protocol-runtime-only.mjs';

const here = new URL('.', import.meta.url).pathname;
const demo = new URL('../../apps/demo/', import.meta.url).pathname;
const target = ['chrome110', 'firefox115', 'safari16'];

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

await build({
  entryPoints: [`${here}src/index.ts`],
  outfile: `${here}dist/parley.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target,
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [protocolRuntimeOnly],
});

await build({
  entryPoints: [`${demo}src/main.ts`],
  outfile: `${demo}dist/demo.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target,
  sourcemap: true,
  logLevel: 'warning',
  plugins: [demoUsesServedSdk],
});
