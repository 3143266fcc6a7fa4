import { build } from 'esbuild';
import { minifyCss } from './minify-css.mjs';
import { protocolRuntimeOnly } from './protocol-runtime-only.mjs';
const r = await build({
  entryPoints: ['src/index.ts'], bundle: true, splitting: true, minify: true, format: 'esm', platform: 'browser', outdir: '/tmp/own/sizeout',
  target: ['chrome110', 'firefox115', 'safari16'], write: false, metafile: true, logLevel: 'silent', plugins: [protocolRuntimeOnly, minifyCss(['chrome110'])],
});
const rows = [];
for (const [f, o] of Object.entries(r.metafile.outputs)) for (const [i, v] of Object.entries(o.inputs)) rows.push([v.bytesInOutput, f.split('/').pop().slice(0, 20), i]);
rows.sort((a, b) => b[0] - a[0]);
for (const row of rows.slice(0, 60)) console.log(row.join('\t'));
