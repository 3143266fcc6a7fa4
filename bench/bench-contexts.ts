/**
 * Browser contexts for the join bench. openCallPage (tests/e2e/harness.ts)
 * makes its own context and loads the SDK at once; a stack whose
 * `browser.newContext` prepares each context first is how the bench gets in
 * before that, without a second copy of openCallPage.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import type { Stack } from '../tests/e2e/harness.ts';

const SDK_DIR = new URL('../packages/sdk/dist/browser/', import.meta.url);

/** The same stack, but every context it opens has `prepare` applied before anything loads in it. */
export function preparingContexts(stack: Stack, prepare: (context: BrowserContext) => Promise<void>): Stack {
  const newContext: Stack['browser']['newContext'] = async (options) => {
    const context = await stack.browser.newContext(options);
    await prepare(context);
    return context;
  };
  const browser = new Proxy(stack.browser, {
    get: (target, key) => (key === 'newContext' ? newContext : Reflect.get(target, key, target)),
  });
  return { ...stack, browser };
}

/**
 * Other work on this machine may rebuild the SDK while the bench runs: every
 * page gets /sdk/parley.js and its chunks as they were when this was called
 * (a rebuild renames the chunks, and a page would then import one that is
 * gone), so one run measures one SDK. `dir`: another build of the served
 * SDK (dist/browser's layout) instead. Returns the preparation and the
 * bundle's sha256 (12 hex digits), for the report.
 */
export function pinnedSdk(dir: URL = SDK_DIR): { prepare: (context: BrowserContext) => Promise<void>; sha256: string } {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (name.endsWith('.js')) files.set(name, readFileSync(new URL(name, dir)));
  }
  const main = files.get('parley.js');
  if (!main) throw new Error('No SDK bundle: run node packages/sdk/build.mjs');
  return {
    sha256: createHash('sha256').update(main).digest('hex').slice(0, 12),
    prepare: async (context) => {
      await context.route(/\/sdk\/.*\.js$/, (route) => {
        const body = files.get(new URL(route.request().url()).pathname.replace(/^\/sdk\//, ''));
        return body ? route.fulfill({ body, contentType: 'text/javascript' }) : route.continue();
      });
    },
  };
}
