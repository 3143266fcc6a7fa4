/**
 * The UI's stylesheets as build.mjs bundles them (minify-css.mjs): minified by esbuild's CSS
 * minifier, the rules interpolated into them (the signal bars') kept in place.
 */
import { build, transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { minifyCss } from '../minify-css.mjs';
import { CSS } from './ui/default/styles.ts';

const TARGET = ['chrome110', 'firefox115', 'safari16'];

/** The value `name` that `file` exports, from a bundle of it built with the plugin. */
async function bundledExport(file: string, name: string): Promise<string> {
  const { outputFiles } = await build({
    entryPoints: [new URL(file, import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    plugins: [minifyCss(TARGET)],
  });
  const url = `data:text/javascript;base64,${Buffer.from(outputFiles[0]!.contents).toString('base64')}`;
  return (await import(url))[name];
}

const minified = async (css: string) => (await transform(css, { loader: 'css', minify: true, charset: 'utf8', target: TARGET })).code;

describe('the default UI stylesheet in a build', () => {
  it('is the source stylesheet minified: shorter, the same rules', async () => {
    const built = await bundledExport('./ui/default/styles.ts', 'CSS');
    expect(built.length).toBeLessThan(CSS.length);
    expect(built).not.toMatch(/\n /);
    expect(await minified(built)).toBe(await minified(CSS));
  });

  it("keeps the signal bars' rules, written in by code, whole", async () => {
    const built = await bundledExport('./ui/default/styles.ts', 'CSS');
    expect(built).toContain('.bars[data-quality="3"] i:nth-child(-n+3){background:#fbbf24}');
  });
});
