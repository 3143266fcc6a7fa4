/**
 * The default UI lives in a shadow root: the host page's CSS cannot change it
 * and its CSS cannot leak out. Also the screenshots a person looks at:
 * audio-only with three people, and the demo app at phone and desktop width.
 */
import { describe, expect, it } from 'vitest';
import { type CallPage, eventually, PAGE_INIT_SCRIPT } from './harness.ts';
import { placement, screenshot, tilesReady, tilesWithBars, ui, uiTestStack } from './ui-helpers.ts';

const env = uiTestStack();

const join = env.join;

/** Sizes and a few computed styles of everything a person sees in the UI. */
function measure(call: CallPage) {
  return call.page.evaluate(() => {
    const root = document.getElementById('call')!.shadowRoot!;
    return [...root.querySelectorAll<HTMLElement>('[data-tile], [data-tile] video, [data-tile] .name, button:not([hidden]), [data-stage]')].map((el) => {
      const box = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      return {
        what: el.dataset.control ?? el.dataset.uid ?? el.className ?? el.tagName,
        w: Math.round(box.width),
        h: Math.round(box.height),
        display: cs.display,
        font: cs.fontSize,
        color: cs.color,
        opacity: cs.opacity,
        bg: cs.backgroundColor,
      };
    });
  });
}

/**
 * The measures once the UI has settled: the same twice, a second apart. Right after the second tile shows, the
 * layout may still move (a CI run on a slow machine saw 15 elements change between two measures).
 */
async function settled(call: CallPage) {
  let last = await measure(call);
  return eventually(
    async () => {
      await new Promise((r) => setTimeout(r, 1_000));
      const [previous, now] = [last, await measure(call)];
      last = now;
      return JSON.stringify(previous) === JSON.stringify(now) ? now : null;
    },
    (m) => m !== null,
    20_000,
    'the UI settled',
  );
}

describe('host-page CSS', () => {
  it('that restyles div, video and button does not change the UI inside the host element, and ours does not leak out', async () => {
    const alice = await join('alice', 'iso-1');
    await join('bob', 'iso-1');
    await tilesReady(alice, 2);
    // The signal bars join each name at the first quality sample (5 s in): a CI run measured a name before them.
    await eventually(() => tilesWithBars(alice), (n) => n === 2, 20_000, "both tiles' signal bars");
    const before = (await settled(alice))!;
    expect(before.find((m) => m.what === 'end-call')?.display).not.toBe('none');

    await alice.page.addStyleTag({
      content: `
        div { background: rgb(255, 0, 0) !important; color: rgb(255, 255, 0) !important; font-size: 40px !important;
              line-height: 4 !important; letter-spacing: 8px !important; text-transform: uppercase !important; }
        button { display: none !important; }
        video { width: 1px !important; height: 1px !important; opacity: 0 !important; }
        .tile, .stage, .btn, .bar { display: none !important; }
      `,
    });
    await alice.page.evaluate(() => {
      // Page elements that share our class names keep the page's look.
      const probe = document.createElement('div');
      probe.className = 'tile';
      probe.id = 'probe';
      const pageButton = document.createElement('button');
      pageButton.id = 'page-button';
      document.body.append(probe, pageButton);
    });
    // The page's rules do apply to the page's own elements…
    expect(await alice.page.locator('#page-button').isVisible()).toBe(false);
    expect(await alice.page.locator('#probe').evaluate((e) => getComputedStyle(e).borderRadius)).toBe('0px');
    // …and change nothing inside the call UI.
    const after = await measure(alice);
    expect(after.map((m) => m.what)).toEqual(before.map((m) => m.what));
    const changed = after.flatMap((m, i) => (JSON.stringify(m) === JSON.stringify(before[i]) ? [] : [{ before: before[i], after: m }]));
    expect(changed).toEqual([]);
    await screenshot(alice.page, 'host-css-hostile', alice.page.locator('#call'));
  });
});

describe('a 360 px wide host', () => {
  it('keeps every control and tile inside it', async () => {
    const alice = await join('alice', 'narrow-1', { size: { width: 360, height: 640 }, setters: { setShowRecordingButton: true } });
    await join('bob', 'narrow-1');
    await tilesReady(alice, 2);
    const outside = await alice.page.evaluate(() => {
      const host = document.getElementById('call')!.getBoundingClientRect();
      const root = host && document.getElementById('call')!.shadowRoot!;
      return [...root.querySelectorAll<HTMLElement>('button:not([hidden]), [data-tile]')]
        .filter((el) => el.offsetParent !== null)
        .filter((el) => {
          const b = el.getBoundingClientRect();
          return b.left < host.left || b.right > host.right || b.bottom > host.bottom || b.width < 30;
        })
        .map((el) => el.dataset.control ?? el.dataset.uid);
    });
    expect(outside).toEqual([]);
    await screenshot(alice.page, 'narrow-360-2-participants', alice.page.locator('#call'));
  });
});

describe('audio-only', () => {
  it('shows avatars (initials on a colour) for three people', async () => {
    const a = await join('alice', 'audio-1', { audioOnly: true }, 'Alice Martin');
    await join('bob', 'audio-1', { audioOnly: true }, 'Bob Okafor');
    await join('carol', 'audio-1', { audioOnly: true, setters: { setStartAudioMuted: true } }, 'Carol Chen');
    await tilesReady(a, 3, false);
    const tiles = await ui(a, '[data-tile]').evaluateAll((els) =>
      els.map((e) => ({ off: (e as HTMLElement).dataset.videoOff, avatar: getComputedStyle(e.querySelector('[data-avatar-mode]')!).display, text: e.querySelector('[data-avatar-mode]')!.textContent })),
    );
    expect(tiles.map((t) => t.off)).toEqual(['true', 'true', 'true']);
    expect(tiles.every((t) => t.avatar !== 'none')).toBe(true);
    expect(tiles.map((t) => t.text).sort()).toEqual(['AM', 'BO', 'CC']);
    await eventually(() => ui(a, '[data-uid="carol"]').getAttribute('data-audio-muted'), (v) => v === 'true', 5_000, 'carol muted');
    expect((await placement(a)).stage).toHaveLength(3);
    await screenshot(a.page, 'audio-only-3-participants', a.page.locator('#call'));
  });
});

describe('the demo app', () => {
  it('start page at phone (390×844) and desktop (1280×800) width, and a call at phone width', async () => {
    for (const [label, viewport] of [
      ['phone', { width: 390, height: 844 }],
      ['desktop', { width: 1280, height: 800 }],
    ] as const) {
      const context = await env.stack.browser.newContext({ viewport, permissions: ['camera', 'microphone'] });
      await context.addInitScript(PAGE_INIT_SCRIPT);
      const page = await context.newPage();
      env.track({ page, context, uid: label, authToken: '' });
      await page.goto(`${env.stack.url}/`);
      await page.locator('#login').waitFor({ state: 'visible' });
      await screenshot(page, `demo-start-${label}`);
      // No sideways scrolling at either width.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.locator('#name').fill('Ada Lovelace');
      await page.locator('#login-form button[type=submit]').click();
      await page.locator('#lobby').waitFor({ state: 'visible' });
      await screenshot(page, `demo-lobby-${label}`);
      if (label === 'phone') {
        await page.locator('#start-video').click();
        await page.locator('#call-view').waitFor({ state: 'visible' });
        const sessionId = await eventually(() => page.evaluate(() => new URLSearchParams(location.search).get('session')), (s) => !!s, 5_000, 'a session id');
        await join('grace', sessionId!, {}, 'Grace Hopper');
        const phoneCall = { page, context, uid: 'ada', authToken: '' };
        await eventually(
          () => page.evaluate(() => document.getElementById('call-view')!.shadowRoot?.querySelectorAll('[data-tile] video').length ?? 0),
          (n) => n === 2,
          20_000,
          'two tiles in the demo',
        );
        await eventually(
          () => page.evaluate(() => document.getElementById('call-view')!.shadowRoot!.querySelector<HTMLElement>('[data-uid=grace]')?.dataset.videoOff),
          (off) => off === 'false',
          20_000,
          "grace's video in the demo",
        );
        await screenshot(page, 'demo-call-phone');
        // Every control fits inside the phone's width.
        const overflow = await page.locator('#call-view button:not([hidden])').evaluateAll((bs) => bs.filter((b) => b.getBoundingClientRect().right > window.innerWidth).length);
        expect(overflow).toBe(0);
        void phoneCall;
      }
    }
  });
});
