/**
 * The little the e2e scenarios ask of a browser tab — open a URL, run a
 * function in the page, close — over Playwright (Chromium) and Puppeteer
 * (Firefox over WebDriver BiDi), so a scenario is written once for both.
 */
import type { BrowserContext as PlaywrightContext, Page as PlaywrightPage } from 'playwright-core';
import type { BrowserContext as PuppeteerContext, Page as PuppeteerPage } from 'puppeteer-core';

export type BrowserName = 'chromium' | 'firefox';

/** A function run in the page: its source is sent, so it may use only its argument and the page's globals. */
export type PageFunction<A, R> = string | ((arg: A) => R | Promise<R>);

export interface BrowserPage {
  readonly browserName: BrowserName;
  goto(url: string): Promise<void>;
  evaluate<R, A = undefined>(fn: PageFunction<A, R>, arg?: A): Promise<R>;
  /** Makes this the tab in front (Firefox answers enumerateDevices only for a focused document). */
  bringToFront(): Promise<void>;
  /** Saves a PNG of the element `selector` matches (in the page, not in a shadow root). */
  screenshot(path: string, selector: string): Promise<void>;
  /** Closes the tab and its browser context (each participant has one of its own). */
  close(): Promise<void>;
}

export function playwrightPage(page: PlaywrightPage, context: PlaywrightContext): BrowserPage {
  return {
    browserName: 'chromium',
    goto: async (url) => {
      await page.goto(url);
    },
    // Playwright's own typing unboxes handles; the scenarios pass plain JSON.
    evaluate: <R, A>(fn: PageFunction<A, R>, arg?: A) => page.evaluate(fn as never, arg as never) as Promise<R>,
    bringToFront: () => page.bringToFront(),
    screenshot: async (path, selector) => {
      await page.locator(selector).screenshot({ path, animations: 'disabled' });
    },
    close: () => context.close(),
  };
}

export function puppeteerPage(page: PuppeteerPage, context: PuppeteerContext): BrowserPage {
  return {
    browserName: 'firefox',
    goto: async (url) => {
      await page.goto(url);
    },
    evaluate: <R, A>(fn: PageFunction<A, R>, arg?: A) =>
      (typeof fn === 'string' ? page.evaluate(fn) : page.evaluate(fn as (arg: unknown) => unknown, arg)) as Promise<R>,
    bringToFront: () => page.bringToFront(),
    screenshot: async (path, selector) => {
      const element = await page.$(selector);
      if (!element) throw new Error(`no ${selector} to take a picture of`);
      await element.screenshot({ path: path as `${string}.png` });
    },
    close: () => context.close(),
  };
}
