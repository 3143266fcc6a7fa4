// Builds the server for production: src/main.ts → dist/main.js (ES module for
// Node 20, source map). The workspace's own packages (@parley/protocol) are
// bundled in, since they are TypeScript; every npm dependency stays an import,
// installed by `npm ci --omit=dev`. Run with `npm run build` at the root.
import { build } from 'esbuild';

const here = new URL('.', import.meta.url).pathname;

/** npm packages stay external; @parley/* (TypeScript sources in this workspace) are bundled. */
const npmPackagesExternal = {
  name: 'npm-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@parley/') ? undefined : { path: args.path, external: true }));
  },
};

await build({
  entryPoints: [`${here}src/main.ts`],
  outfile: `${here}dist/main.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [npmPackagesExternal],
});
