/**
 * The bench's in-page code (bench/page/*.ts) is ordinary TypeScript with
 * imports. This bundles one entry into a script that leaves the entry's
 * exports on `window[globalName]`, for page.addScriptTag or an init script
 * (which Playwright wraps in a function, so a top-level `var` is not enough).
 */
import { build } from 'esbuild';

export async function pageScript(entry: string, globalName: string): Promise<string> {
  const result = await build({
    entryPoints: [new URL(entry, import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    globalName,
    platform: 'browser',
    target: 'chrome110',
    write: false,
    logLevel: 'warning',
  });
  return `${result.outputFiles[0]?.text ?? ''}\nglobalThis.${globalName} = ${globalName};`;
}
