/**
 * Bundle size: our SDK with its default UI (packages/sdk/build.mjs →
 * dist/browser, and the npm package's dist/lib as an app bundles it), minified and gzipped, side by side with the npm packages of
 * other calling SDKs, each bundled from its main entry with esbuild (minify,
 * browser, esm) and gzipped with node:zlib. Run with `npm run bench:size`;
 * prints a markdown table and writes it into the "Bundle size" section of
 * docs/benchmarks.md (other sections are left alone), with what each part of
 * our SDK weighs in an app's bundle (`breakdown`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = join(ROOT, 'bench');
const DOC = join(ROOT, 'docs', 'benchmarks.md');
const GOAL_KB = 60;
const OTHERS = ['livekit-client', 'twilio-video', '@daily-co/daily-js', '@cometchat/calls-sdk-javascript'];
/** What each measured bundle includes, so the numbers compare fairly. */
const NOTES: Record<string, string> = {
  'livekit-client': 'SDK only; a UI is a separate package',
  'twilio-video': 'SDK only, no UI',
  '@daily-co/daily-js': "a loader: the call engine (call-machine bundle) is fetched from Daily's servers at run time and is not counted",
  '@cometchat/calls-sdk-javascript': 'SDK with its own call UI (React inside)',
};

interface Row {
  name: string;
  version: string;
  minified?: number;
  gzipped?: number;
  note: string;
}

const gzip = (code: Uint8Array | string): number => gzipSync(code, { level: constants.Z_BEST_COMPRESSION }).length;
const kB = (bytes: number | undefined): string => (bytes === undefined ? '—' : (bytes / 1000).toFixed(1));

function versionOf(pkg: string): string {
  const require = createRequire(join(BENCH, 'package.json'));
  let dir = dirname(require.resolve(pkg));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== pkg) {
    const up = dirname(dir);
    if (up === dir) return '?';
    dir = up;
  }
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/** One package's main entry as a browser ESM bundle; a namespace import keeps every export. */
async function bundle(pkg: string): Promise<{ code: Uint8Array; warnings: number }> {
  const result = await build({
    stdin: { contents: `import * as m from ${JSON.stringify(pkg)}; globalThis.__sdk = m;`, resolveDir: BENCH, loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  });
  return { code: result.outputFiles[0]!.contents, warnings: result.warnings.length };
}

/**
 * An app's bundle of `contents` (esbuild, minified, split; `@parley/sdk` and its entries resolve to the package's
 * `dist/lib`): gzipped bytes of its entry, of every file, and of the files a call with the default UI downloads (the
 * entry, the default UI's chunk, and what they import statically); its parts' weights. `minified`: of the files the call downloads.
 */
async function appBundle(contents: string, lib: string): Promise<{ entry: number; total: number; defaultUiCall: number; minified: number; parts: Part[] }> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    alias: { '@parley/sdk': join(lib, 'index.js'), '@parley/sdk/core': join(lib, 'core.js'), '@parley/sdk/ui': join(lib, 'ui.js') },
    bundle: true,
    splitting: true,
    outdir: join(ROOT, '.tmp/bench-size'),
    write: false,
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = result.outputFiles.filter((f) => f.path.endsWith('.js'));
  const maps = new Map(result.outputFiles.filter((f) => f.path.endsWith('.js.map')).map((f) => [f.path.slice(0, -'.map'.length), JSON.parse(f.text)]));
  const entry = js.find((f) => f.path.endsWith('stdin.js'))!;
  const bytes = new Map(js.map((f) => [f.path.split('/').pop()!, f.contents]));
  const call = defaultUiCallFiles(bytes, 'stdin.js');
  // Parts in a chunk the call does not load are named apart (the plain layout, the ringing screen's drawing; the UI's
  // on-demand parts say so in their name already).
  const parts = js.flatMap((f) =>
    partsOf(f.text, maps.get(f.path)).map((p) => (call.has(f.path.split('/').pop()!) || ON_DEMAND.test(p.name) ? p : { ...p, name: `${p.name} (a chunk a call does not load)` })),
  );
  return {
    entry: gzip(entry.contents),
    total: js.reduce((sum, f) => sum + gzip(f.contents), 0),
    defaultUiCall: [...call].reduce((sum, f) => sum + gzip(bytes.get(f)!), 0),
    minified: [...call].reduce((sum, f) => sum + bytes.get(f)!.length, 0),
    parts,
  };
}

/**
 * The files of a split bundle (by name, all in one folder) that a call with the default UI downloads: `entry`, the
 * default UI's chunk (`default-*.js`, imported dynamically), and every file either imports statically — not the chunks
 * a page loads only for something else (the plain layout, what the ringing screen draws).
 */
function defaultUiCallFiles(files: Map<string, Uint8Array>, entry: string): Set<string> {
  const loaded = new Set<string>();
  const load = (name: string): void => {
    if (loaded.has(name)) return;
    loaded.add(name);
    const code = new TextDecoder().decode(files.get(name));
    // Minified ES modules: `import{…}from"./x.js"` or `import"./x.js"`; import("…") is dynamic and not followed.
    for (const [, path] of code.matchAll(/(?:\bfrom|\bimport)\s*"\.\/(?:chunks\/)?([^"/]+\.js)"/g)) load(path!);
  };
  load(entry);
  for (const name of files.keys()) if (name.startsWith('default-')) load(name);
  return loaded;
}

/** A part of our SDK in an app's bundle: minified bytes, and the gzipped bytes its file loses without them. */
interface Part {
  name: string;
  minified: number;
  gzipped: number;
}

/** The default UI's parts a call loads only when it shows them (ui/default/on-demand.ts, float-drag.ts). */
const ON_DEMAND_FILES = /^sdk\/src\/ui\/default\/(dialogs|dialog-style|idle-dialog|switch-dialog|screen-stage|pip|audio-menu|drag)\.ts$/;
const ON_DEMAND = /on demand/;

/** Which part a source file belongs to: the default UI's larger files on their own, else its folder. */
function partName(source: string): string {
  const path = source.replace(/^.*?packages\//, '');
  if (ON_DEMAND_FILES.test(path)) return 'ui/default/ on demand: dialogs, screen share, PiP, audio menu, dragging (chunks a call loads when it shows them)';
  if (/^sdk\/src\/ui\/default\/(default-ui|styles|ringing-screen|ringing-card|dom|controls|tile)\.ts$/.test(path)) return path.replace('sdk/src/', '');
  if (path.startsWith('sdk/src/ui/default/')) return 'ui/default/ (the other files)';
  if (path.startsWith('sdk/src/ui/')) return path.replace('sdk/src/', '');
  if (path === 'protocol/src/errors.ts') return 'protocol errors.ts';
  if (path.startsWith('protocol/')) return 'protocol (kit, close codes, network quality)';
  const folder = path.match(/^sdk\/src\/([^/]+)\//)?.[1];
  return folder ? `${folder}/` : path.startsWith('sdk/src/') ? 'defaults.ts, index.ts, core.ts' : 'the app itself (seed-app.ts)';
}

/** One output file's parts: each part's characters (by the source map) taken out, the rest gzipped again. */
function partsOf(code: string, map: { sources: string[]; mappings: string }): Part[] {
  const owner = ownerOfEachCharacter(code, map);
  const names = [...new Set(owner.filter((o) => o >= 0).map((o) => partName(map.sources[o]!)))];
  const whole = gzip(code);
  return names.map((name) => {
    let rest = '';
    let minified = 0;
    for (let i = 0; i < code.length; i++) {
      if (owner[i]! >= 0 && partName(map.sources[owner[i]!]!) === name) minified++;
      else rest += code[i];
    }
    return { name, minified, gzipped: whole - gzip(rest) };
  });
}

/** The index into `map.sources` of the source each output character came from (-1: none), decoding the mappings' VLQs. */
function ownerOfEachCharacter(code: string, map: { mappings: string }): number[] {
  const owner = new Array<number>(code.length).fill(-1);
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines = code.split('\n');
  let lineStart = 0;
  let source = 0;
  // A template literal's lines after its first have no mappings: they belong to the last source seen.
  let current = -1;
  map.mappings.split(';').forEach((line, l) => {
    const segments = line ? line.split(',').map(vlqs) : [];
    let column = 0;
    const starts = [{ column: 0, source: current }];
    for (const fields of segments) {
      column += fields[0]!;
      if (fields.length > 1) source += fields[1]!;
      current = fields.length > 1 ? source : -1;
      starts.push({ column, source: current });
    }
    const length = lines[l]?.length ?? 0;
    starts.forEach((s, i) => {
      const end = Math.min(starts[i + 1]?.column ?? length, length);
      for (let c = s.column; c < end; c++) owner[lineStart + c] = s.source;
    });
    // The line/column deltas of fields 3–4 are not needed: only the source index is.
    lineStart += length + 1;
  });
  return owner;

  function vlqs(segment: string): number[] {
    const values: number[] = [];
    let value = 0;
    let shift = 0;
    for (const ch of segment) {
      const digit = B64.indexOf(ch);
      value += (digit & 31) << shift;
      if (digit & 32) shift += 5;
      else {
        values.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
    }
    return values;
  }
}

/** The parts of a bundle, largest gzipped first, summed across files. */
function breakdownTable(parts: Part[]): string {
  const byName = new Map<string, Part>();
  for (const p of parts) {
    const sum = byName.get(p.name) ?? { name: p.name, minified: 0, gzipped: 0 };
    sum.minified += p.minified;
    sum.gzipped += p.gzipped;
    byName.set(p.name, sum);
  }
  const rows = [...byName.values()].sort((a, b) => b.gzipped - a.gzipped);
  return ['| part | minified kB | gzipped kB (what its file loses without it) |', '| --- | ---: | ---: |', ...rows.map((r) => `| \`${r.name}\` | ${kB(r.minified)} | ${kB(r.gzipped)} |`)].join('\n');
}

/** The seed flow's bundle (the packages test's seed app, the default UI included), part by part. */
let breakdown = '';

/** The apps tests/packages/packages.int.test.ts bundles: a seed-style call with the default UI, and a headless one. */
const TEST_APPS = join(ROOT, 'tests/packages/app');

async function ours(): Promise<Row[]> {
  execFileSync(process.execPath, [join(ROOT, 'packages/sdk/build.mjs')], { stdio: 'inherit' });
  const version = JSON.parse(readFileSync(join(ROOT, 'packages/sdk/package.json'), 'utf8')).version;
  const served = join(ROOT, 'packages/sdk/dist/browser');
  const code = readFileSync(join(served, 'parley.js'));
  const files = new Map([['parley.js', code], ...readdirSync(join(served, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => [f, readFileSync(join(served, 'chunks', f))] as const)]);
  const servedCall = [...defaultUiCallFiles(files, 'parley.js')].map((f) => files.get(f)!);
  const withUi = servedCall.reduce((sum, c) => sum + gzip(c), 0);
  const allFiles = [...files.values()].reduce((sum, c) => sum + gzip(c), 0);
  // The npm package (dist/lib) as apps bundle it: the packages test's apps (what issue 15's goals are about), and
  // every export of each entry (an app that uses all of it, the ringing flow included).
  const lib = join(ROOT, 'packages/sdk/dist/lib');
  const importOf = (file: string) => `import ${JSON.stringify(join(TEST_APPS, file))};`;
  const seed = await appBundle(importOf('seed-app.ts'), lib);
  const headless = await appBundle(importOf('headless-app.ts'), lib);
  const everyExport = await appBundle(`import * as m from '@parley/sdk'; globalThis.__sdk = m;`, lib);
  const coreEveryExport = await appBundle(`import * as m from '@parley/sdk/core'; globalThis.__sdk = m;`, lib);
  breakdown = breakdownTable(seed.parts);
  return [
    {
      name: '**Parley SDK + default UI** (served: `/sdk/parley.js` + its chunks)',
      version,
      minified: servedCall.reduce((sum, c) => sum + c.length, 0),
      gzipped: withUi,
      note: `goal ≤ ${GOAL_KB} kB gzipped: ${withUi <= GOAL_KB * 1000 ? 'met' : 'NOT met'}; what a call with the default UI loads: parley.js alone ${kB(gzip(code))} kB, the default UI a chunk loaded only for setDefaultLayout(true); every file ${kB(allFiles)} kB (the plain layout, the ringing screen's drawing and the default UI's on-demand parts are chunks of their own)`,
    },
    {
      name: '`@parley/sdk` from npm in a seed-style app (the packages test\'s `seed-app.ts`: `ParleyCalls`, every setter, every in-call method)',
      version,
      minified: seed.minified,
      gzipped: seed.defaultUiCall,
      note: `goal ≤ 32 kB: ${seed.defaultUiCall <= 32_000 ? 'met' : 'NOT met'}; what a call with the default UI downloads, ${kB(seed.entry)} kB of it before the UI chunk loads; every file ${kB(seed.total)} kB`,
    },
    {
      name: '`@parley/sdk/core` from npm in a headless app (the packages test\'s `headless-app.ts`)',
      version,
      minified: headless.minified,
      gzipped: headless.total,
      note: `goal ≤ 20 kB: ${headless.total <= 20_000 ? 'met' : 'NOT met'}`,
    },
    {
      name: '`@parley/sdk` from npm, every export, in an app',
      version,
      minified: everyExport.minified,
      gzipped: everyExport.defaultUiCall,
      note: `\`ParleyRinging\` and all of \`core\` too; what a call with the default UI downloads, ${kB(everyExport.entry)} kB before the UI chunk; every file ${kB(everyExport.total)} kB`,
    },
    { name: '`@parley/sdk/core` from npm (no UI), every export, in an app', version, minified: coreEveryExport.minified, gzipped: coreEveryExport.total, note: 'the ringing client and the call log too' },
  ];
}

async function other(pkg: string): Promise<Row> {
  let version = '?';
  try {
    version = versionOf(pkg);
    const { code, warnings } = await bundle(pkg);
    return { name: `\`${pkg}\``, version, minified: code.length, gzipped: gzip(code), note: [NOTES[pkg], warnings ? `${warnings} esbuild warning(s)` : ''].filter(Boolean).join('; ') };
  } catch (error) {
    const message = (error as { errors?: { text: string }[] }).errors?.map((e) => e.text).slice(0, 2).join('; ') ?? String(error);
    return { name: `\`${pkg}\``, version, note: `failed to bundle: ${message.replace(/\|/g, '\\|').slice(0, 200)}` };
  }
}

const rows = [...(await ours())];
for (const pkg of OTHERS) rows.push(await other(pkg));

const date = new Date().toISOString().slice(0, 10);
/** What the figures were before, and what changed them (kept by hand, printed under the tables). */
const HISTORY = readFileSync(join(BENCH, 'bundle-size-history.md'), 'utf8');
const table = [
  '| bundle | version | minified kB | gzipped kB | note |',
  '| --- | --- | ---: | ---: | --- |',
  ...rows.map((r) => `| ${r.name} | ${r.version} | ${kB(r.minified)} | ${kB(r.gzipped)} | ${r.note} |`),
].join('\n');

const section = `## Bundle size

Measured ${date} with \`npm run bench:size\` (\`bench/bundle-size.ts\`), Node ${process.version}.
Ours: the files the server serves at \`/sdk/parley.js\` (\`packages/sdk/build.mjs\`: esbuild, minified, ESM, the default
UI a chunk of its own), and the npm package's \`dist/lib\` bundled by an app (esbuild, minified, split). With the UI, the
figure counts every file a call with the default UI downloads: the entry, the default UI's chunk, and every chunk either
imports; the plain layout and what the ringing screen draws are chunks a page loads only when it uses them, and the
default UI's dialogs, screen share stage, picture-in-picture, audio menu and dragging are chunks a call loads the first
time it shows them (their size is in the notes and the part table). \`tests/packages/packages.int.test.ts\` holds an
installed \`npm pack\` of it to ≤ 20 kB without the UI (its headless app) and to ≤ 32 kB with the UI (its seed-style
app): issue 15's goals, the second met again in session 7 (below). The rows of those two apps bundle the test's snippets
(\`tests/packages/app\`) against this build.
Each other SDK is its npm package's main entry bundled the same way (esbuild, minify, \`platform: browser\`,
\`format: esm\`, every export kept) and gzipped at level 9 with \`node:zlib\`; 1 kB = 1000 bytes.

${table}

What each part of \`@parley/sdk\` weighs in the seed-style app's bundle (the second row): its minified bytes (by the
source maps), and what the gzipped file it sits in loses when those bytes are taken out. gzip finds repeats across parts,
so the losses add up to less than the total.

${breakdown}
${HISTORY}`;

console.log(section);

const START = '<!-- bundle-size:start -->';
const END = '<!-- bundle-size:end -->';
const block = `${START}\n${section}${END}`;
let doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n\nResults of the scripts in `bench/`. Each section is written by its script or its owner.\n';
if (doc.includes(START) && doc.includes(END)) doc = doc.slice(0, doc.indexOf(START)) + block + doc.slice(doc.indexOf(END) + END.length);
else doc = `${doc.trimEnd()}\n\n${block}\n`;
writeFileSync(DOC, doc);
console.log(`written to ${DOC}`);
