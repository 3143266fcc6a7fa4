/**
 * Browser contexts for the join bench. openCallPage (tests/e2e/harness.ts)
 * makes its own context and loads the SDK at once; a stack whose
 * `browser.newContext` prepares each context first is how the bench gets in
 * before that, without a second copy of openCallPage.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import type { Stack } from '../tests/e2e/harness.ts';

const SDK_BUNDLE = new URL('../packages/sdk/dist/browser/parley.js', import.meta.url);

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
 * page gets /sdk/parley.js as it was when this was called, so one run
 * measures one SDK. Returns the preparation and the bundle's sha256 (12 hex digits), for the report.
 */
export function pinnedSdk(): { prepare: (context: BrowserContext) => Promise<void>; sha256: string } {
  const body = readFileSync(SDK_BUNDLE);
  return {
    sha256: createHash('sha256').update(body).digest('hex').slice(0, 12),
    prepare: async (context) => {
      await context.route('**/sdk/parley.js', (route) => route.fulfill({ body, contentType: 'text/javascript' }));
    },
  };
}
