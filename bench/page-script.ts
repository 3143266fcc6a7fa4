/**
 * The bench's in-page code (bench/page/*.ts) is ordinary TypeScript with
 * imports. This bundles one entry into a classic script that leaves the
 * entry's exports on `window[globalName]`, for page.addScriptTag.
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
  return result.outputFiles[0]?.text ?? '';
}
