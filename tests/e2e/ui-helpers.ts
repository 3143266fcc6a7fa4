/**
 * Helpers for the default-UI e2e tests: join with settings, read where each
 * tile is, save screenshots. Playwright's CSS locators pierce open shadow
 * roots, so `ui(call, '[data-control=end-call]')` finds the button inside.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type CallPage, cspViolations, eventually, openCallPage, type Stack, startCall, startStack } from './harness.ts';

/** Where the tests save screenshots for a person to look at (named in the README). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-results', 'screenshots');

export type Settings = NonNullable<Parameters<typeof startCall>[2]>;

export async function joinUI(stack: Stack, uid: string, sessionId: string, settings: Settings = {}, name = uid): Promise<CallPage> {
  const call = await openCallPage(stack, uid, name);
  await startCall(call, sessionId, { defaultLayout: true, ...settings });
  return call;
}

/**
 * One stack for a test file, made before its first test and closed after its
 * last; every page joined through `join` leaves after each test.
 */
export function uiTestStack() {
  let stack: Stack | undefined;
  let open: CallPage[] = [];
  beforeAll(async () => {
    stack = await startStack();
  });
  afterEach(async () => {
    // The default UI and the demo run under the server's content security policy, as in an app that has one.
    const refused = await Promise.all(open.map((call) => cspViolations(call.page).catch(() => [])));
    await Promise.all(open.map(leave));
    open = [];
    expect(refused.flat()).toEqual([]);
  });
  afterAll(async () => {
    await stack?.close();
  });
  const current = (): Stack => {
    if (!stack) throw new Error('the stack starts in beforeAll');
    return stack;
  };
  return {
    get stack(): Stack {
      return current();
    },
    /** Joins with the default UI, and leaves after the test. */
    async join(uid: string, sessionId: string, settings: Settings = {}, name = uid): Promise<CallPage> {
      const call = await joinUI(current(), uid, sessionId, settings, name);
      open.push(call);
      return call;
    },
    /** Leaves this page after the test, too. */
    track(call: CallPage): CallPage {
      open.push(call);
      return call;
    },
  };
}

export function ui(call: CallPage, css: string): Locator {
  return call.page.locator(`#call ${css}`);
}

export interface Placement {
  mode: string;
  stage: string[];
  strip: string[];
  float: string[];
  cols: number;
  rows: number;
}

/** Which tiles are in the stage, the strip and the floating slot, and the grid's shape. */
export function placement(call: CallPage): Promise<Placement> {
  return call.page.evaluate(() => {
    const root = document.getElementById('call')!.shadowRoot!;
    const uids = (sel: string) => [...root.querySelectorAll<HTMLElement>(`${sel} > [data-tile]`)].map((t) => t.dataset.uid!);
    const stage = root.querySelector<HTMLElement>('[data-stage]')!;
    const cs = getComputedStyle(stage);
    return {
      mode: root.querySelector<HTMLElement>('[data-parley]')!.dataset.mode!,
      stage: uids('[data-stage]'),
      strip: uids('[data-strip]'),
      float: uids('[data-float]'),
      cols: Number(cs.getPropertyValue('--cols')),
      rows: Number(cs.getPropertyValue('--rows')),
    };
  });
}

/** Waits until the page shows `count` tiles, each remote one with a playing video (unless audio-only). */
export function tilesReady(call: CallPage, count: number, withVideo = true): Promise<unknown> {
  return eventually(
    () =>
      call.page.evaluate(() => {
        const root = document.getElementById('call')!.shadowRoot!;
        return [...root.querySelectorAll<HTMLElement>('[data-tile]')].map((t) => ({
          uid: t.dataset.uid,
          off: t.dataset.videoOff,
          w: t.querySelector('video')!.videoWidth,
        }));
      }),
    (tiles) => tiles.length === count && (!withVideo || tiles.every((t) => t.off === 'false' && t.w > 0)),
    25_000,
    `${call.uid} showing ${count} tiles`,
  );
}

/** How many tiles of the call's default UI show their signal bars (they come with the first quality sample). */
export function tilesWithBars(call: CallPage): Promise<number> {
  return call.page.evaluate(() => document.getElementById('call')?.shadowRoot?.querySelectorAll('[data-tile] .bars[data-quality]').length ?? 0);
}

export async function screenshot(page: Page, name: string, locator?: Locator): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await (locator ?? page).screenshot({ path, animations: 'disabled' });
  return path;
}

export async function leave(call: CallPage): Promise<void> {
  await call.page.evaluate(() => (window as any).session?.endSession()).catch(() => undefined);
  await call.context.close().catch(() => undefined);
}
