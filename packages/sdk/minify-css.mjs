// The UI's stylesheets are template literals marked `/* css */` in the source (ui/default/styles.ts,
// ringing-card.ts). When build.mjs bundles the SDK, esbuild's CSS minifier rewrites each (shorter
// colours, no line breaks, prefixes the targets need): 0.13 kB gzipped off an app's bundle
// (docs/benchmarks.md, "Bundle size"). A `${…}` in a marked literal must stand between rules:
// the text on each side of it is minified on its own.
import { readFile } from 'node:fs/promises';
import { transform } from 'esbuild';

const MARKED = /\/\* css \*\/ `([^`]*)`/g;

/** `css` minified for `target`, escaped to sit inside a template literal. */
async function minified(css, target) {
  const { code } = await transform(css, { loader: 'css', minify: true, charset: 'utf8', target });
  return code.trim().replaceAll('\\', '\\\\');
}

/** An esbuild plugin that minifies the marked stylesheets of the files under src/ui/. */
export function minifyCss(target) {
  return {
    name: 'minify-css',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]ui[\\/].*\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('/* css */ `')) return undefined;
        const sheets = await Promise.all(
          [...source.matchAll(MARKED)].map(async ([, css]) => {
            const parts = css.split(/(\$\{[^}]*\})/);
            return (await Promise.all(parts.map((part, i) => (i % 2 ? part : minified(part, target))))).join('');
          }),
        );
        let next = 0;
        return { contents: source.replace(MARKED, () => `\`${sheets[next++]}\``), loader: 'ts' };
      });
    },
  };
}
