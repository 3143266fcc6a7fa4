/**
 * The demo app's recordings: two people in a call, one records a few seconds
 * with the default UI's record button and stops it, both leave, and the
 * lobby lists the call's recording — processing, then ready — with a player
 * that loads (and seeks in) the file through `?token=` and range requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, PAGE_INIT_SCRIPT, type Stack, startStack } from './harness.ts';
import { screenshot } from './ui-helpers.ts';

let stack: Stack;
const open: CallPage[] = [];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  for (const p of open) await p.context.close().catch(() => undefined);
  await stack?.close();
});

/** The demo at `path`, logged in with a name (a desktop-sized window). */
async function demo(name: string, path = '/'): Promise<CallPage> {
  const context = await stack.browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1100, height: 1100 } });
  await context.addInitScript(PAGE_INIT_SCRIPT);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${name} pageerror]`, e.message));
  await page.goto(`${stack.url}${path}`);
  await page.locator('#name').fill(name);
  await page.locator('#login-form button[type=submit]').click();
  const p = { page, context, uid: name, authToken: '' };
  open.push(p);
  return p;
}

const tilesWithVideo = (p: CallPage) =>
  p.page.evaluate(
    () =>
      [...(document.getElementById('call-view')?.shadowRoot?.querySelectorAll('[data-tile] video') ?? [])].filter((v) => (v as HTMLVideoElement).videoWidth > 0)
        .length,
  );

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the demo app', () => {
  it("records with the call's record button and lists the call's recordings with a player", async () => {
    const ada = await demo('Ada');
    await ada.page.locator('#lobby').waitFor({ state: 'visible' });
    await ada.page.locator('#start-video').click();
    await ada.page.locator('#call').waitFor({ state: 'visible' });
    const sessionId = (await ada.page.locator('#call-id').textContent())!;
    const invite = new URL(ada.page.url());
    const ben = await demo('Ben', `${invite.pathname}${invite.search}`);
    for (const p of [ada, ben]) await eventually(() => tilesWithVideo(p), (n) => n === 2, 25_000, `${p.uid} sees both videos`);

    // The default UI's record button, on Ada's side; Ben's follows the session's state.
    const record = (p: CallPage) => p.page.locator('#call-view [data-control=record]');
    expect(await record(ada).getAttribute('aria-pressed')).toBe('false');
    await record(ada).click();
    for (const p of [ada, ben]) await eventually(() => record(p).getAttribute('aria-pressed'), (v) => v === 'true', 5_000, `${p.uid} sees it recording`);
    expect(await record(ada).getAttribute('aria-label')).toBe('Stop recording');
    await sleep(4_000);
    await record(ada).click();
    for (const p of [ada, ben]) await eventually(() => record(p).getAttribute('aria-pressed'), (v) => v === 'false', 5_000, `${p.uid} sees it stopped`);

    for (const p of [ben, ada]) {
      await p.page.locator('#leave').click();
      await p.page.locator('#lobby').waitFor({ state: 'visible', timeout: 10_000 });
    }

    // The lobby shows the recordings of the call just left: processing with a progress bar, then ready.
    const page = ada.page;
    await page.locator('#recordings').waitFor({ state: 'visible' });
    expect(await page.locator('#recordings-session').textContent()).toBe(sessionId);
    const item = page.locator('#recordings-list li').first();
    await item.waitFor({ state: 'attached', timeout: 10_000 });
    const statuses = new Set<string>();
    await eventually(
      async () => {
        const s = (await item.getAttribute('data-status')) ?? '';
        statuses.add(s);
        if (s === 'processing') statuses.add(`bar:${await item.locator('progress').count()}`);
        return s;
      },
      (s) => s === 'ready' || s === 'failed',
      90_000,
      'the recording ready in the list',
    );
    expect(await item.getAttribute('data-status')).toBe('ready');
    if (statuses.has('processing')) expect(statuses.has('bar:1')).toBe(true);
    expect(await page.locator('#recordings-list li').count()).toBe(1);
    const text = (await item.locator('.meta').textContent()) ?? '';
    expect(text).toContain('started by Ada');
    expect(text).toMatch(/· [45] s/);
    expect(text).toContain('ready');

    // The player: the file through ?token=, loaded to a frame, with a duration; seeking works (range requests).
    const video = item.locator('video');
    expect(await video.getAttribute('src')).toMatch(/^\/v1\/recordings\/[0-9a-f-]+\/file\?token=/);
    const loaded = await eventually(
      () => video.evaluate((v: HTMLVideoElement) => ({ readyState: v.readyState, duration: v.duration, error: v.error?.message ?? null })),
      (s) => s.readyState >= 2 || s.error !== null,
      20_000,
      'the player loading',
    );
    expect(loaded.error).toBeNull();
    expect(loaded.readyState).toBeGreaterThanOrEqual(2);
    expect(loaded.duration).toBeGreaterThan(3);
    expect(loaded.duration).toBeLessThan(7);
    const seeked = await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<{ time: number; readyState: number }>((resolve) => {
          v.addEventListener('seeked', () => resolve({ time: v.currentTime, readyState: v.readyState }), { once: true });
          v.currentTime = 2.5;
        }),
    );
    expect(seeked.time).toBeCloseTo(2.5, 0);
    await eventually(() => video.evaluate((v: HTMLVideoElement) => v.readyState), (r) => r >= 2, 10_000, 'a frame after seeking');

    // The same recording is in Ben's lobby too (he was in the call).
    await eventually(() => ben.page.locator('#recordings-list li').first().getAttribute('data-status'), (s) => s === 'ready', 20_000, "Ben's list");

    await screenshot(page, 'demo-recordings');
  }, 180_000);
});
