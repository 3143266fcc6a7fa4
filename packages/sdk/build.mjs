// Bundles the SDK (with its default UI) into one ES module, served at /sdk/parley.js.
import { build } from 'esbuild';

const here = new URL('.', import.meta.url).pathname;

// The SDK takes only types from @parley/protocol, plus the values of runtime.ts
// (ParleyError, ERROR_CODES, isErrorCode, CLOSE_CODES). Resolving the package
// there keeps zod and the schemas out of the browser bundle; importing any
// other value from the protocol fails this build instead of silently growing it.
const protocolRuntimeOnly = {
  name: 'protocol-runtime-only',
  setup(b) {
    b.onResolve({ filter: /^@parley\/protocol$/ }, () => ({
      path: new URL('../protocol/src/runtime.ts', import.meta.url).pathname,
    }));
  },
};

await build({
  entryPoints: [`${here}src/index.ts`],
  outfile: `${here}dist/parley.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [protocolRuntimeOnly],
});
