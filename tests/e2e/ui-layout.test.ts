/**
 * The default UI's layouts with real calls: the grid reflows as people join
 * and leave, clicking a tile puts it in the spotlight, the floating local tile
 * drags (or not), and the avatar mode sets the avatar's shape.
 */
import { describe, expect, it } from 'vitest';
import { type CallPage, eventually } from './harness.ts';
import { leave, placement, screenshot, tilesReady, ui, type Settings, uiTestStack } from './ui-helpers.ts';

const env = uiTestStack();

const join = (uid: string, sessionId: string, settings: Settings = {}): Promise<CallPage> =>
  env.join(uid, sessionId, settings, `${uid[0]!.toUpperCase()}${uid.slice(1)} Example`);

describe('the grid (default mode)', () => {
  it('reflows from one to four participants and back as people join and leave', async () => {
    const alice = await join('alice', 'grid-1');
    await tilesReady(alice, 1);
    expect(await placement(alice)).toMatchObject({ mode: 'default', stage: ['alice'], cols: 1, rows: 1 });

    const bob = await join('bob', 'grid-1');
    await tilesReady(alice, 2);
    // 800×600 host: two 16:9 tiles fit best side by side.
    expect(await placement(alice)).toMatchObject({ stage: ['alice', 'bob'], cols: 2, rows: 1 });

    await join('carol', 'grid-1');
    await tilesReady(alice, 3);
    expect(await placement(alice)).toMatchObject({ stage: ['alice', 'bob', 'carol'], cols: 2, rows: 2 });

    await join('dave', 'grid-1');
    await tilesReady(alice, 4);
    const four = await placement(alice);
    expect(four).toMatchObject({ stage: ['alice', 'bob', 'carol', 'dave'], cols: 2, rows: 2 });
    // Four equal tiles fill the stage.
    const boxes = await ui(alice, '[data-stage] > [data-tile]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(Math.max(...boxes) - Math.min(...boxes)).toBeLessThan(2);

    await leave(bob);
    await eventually(() => placement(alice), (p) => p.stage.length === 3, 10_000, 'the grid after bob left');
    expect(await placement(alice)).toMatchObject({ stage: ['alice', 'carol', 'dave'], cols: 2, rows: 2 });
  }, 120_000);
});

describe('spotlight and tile clicks', () => {
  it('shows the clicked tile large, the others in the strip and the local one floating', async () => {
    const alice = await join('alice', 'spot-1', { setters: { setMode: 'spotlight' } });
    const bobsView = await join('bob', 'spot-1');
    await join('carol', 'spot-1');
    await tilesReady(alice, 3);
    const before = await placement(alice);
    expect(before.mode).toBe('spotlight');
    expect(before.float).toEqual(['alice']);
    expect(before.stage).toHaveLength(1);
    expect([...before.stage, ...before.strip].sort()).toEqual(['bob', 'carol']);

    // The active speaker (audio levels of the fake microphones' beeps) is highlighted.
    await eventually(
      () => ui(alice, '[data-tile][data-speaking=true]').count(),
      (n) => n === 1,
      15_000,
      'an active speaker',
    );

    const other = before.strip[0]!;
    await ui(alice, `[data-strip] [data-uid="${other}"]`).click();
    await eventually(() => placement(alice), (p) => p.stage[0] === other, 5_000, 'the clicked tile in the spotlight');
    await screenshot(alice.page, 'spotlight-3-participants', alice.page.locator('#call'));

    // From the grid, a click switches to the spotlight with that tile.
    await tilesReady(bobsView, 3);
    expect((await placement(bobsView)).mode).toBe('default');
    await screenshot(bobsView.page, 'default-3-participants', bobsView.page.locator('#call'));
    await ui(bobsView, '[data-stage] [data-uid="carol"]').click();
    expect(await placement(bobsView)).toMatchObject({ mode: 'spotlight', stage: ['carol'], float: ['bob'] });

    // The mode control cycles grid → spotlight → single.
    await ui(bobsView, '[data-control=layout]').click();
    expect(await placement(bobsView)).toMatchObject({ mode: 'single', stage: ['carol'], strip: [], float: [] });
    await ui(bobsView, '[data-control=next-participant]').click();
    expect((await placement(bobsView)).stage).toHaveLength(1);
    expect((await placement(bobsView)).stage[0]).not.toBe('carol');
    await ui(bobsView, '[data-control=layout]').click();
    expect((await placement(bobsView)).mode).toBe('default');
  }, 120_000);

  it('ignores clicks on tiles when setEnableVideoTileClick(false)', async () => {
    const alice = await join('alice', 'spot-2', { setters: { setEnableVideoTileClick: false } });
    await join('bob', 'spot-2');
    await tilesReady(alice, 2);
    await ui(alice, '[data-uid="bob"]').click();
    expect((await placement(alice)).mode).toBe('default');
    expect(await ui(alice, '[data-uid="bob"]').getAttribute('role')).toBeNull();
  });

  it('setIsSingleMode(true) shows one participant at a time', async () => {
    const alice = await join('alice', 'single-1', { setters: { setIsSingleMode: true } });
    await join('bob', 'single-1');
    await tilesReady(alice, 2);
    expect(await placement(alice)).toMatchObject({ mode: 'single', stage: ['bob'], strip: [], float: [] });
  });
});

describe('the floating local tile', () => {
  async function dragFloat(call: CallPage): Promise<{ before: { x: number; y: number }; after: { x: number; y: number } }> {
    const float = ui(call, '[data-float]');
    const b = (await float.boundingBox())!;
    await call.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await call.page.mouse.down();
    await call.page.mouse.move(b.x - 150, b.y - 200, { steps: 8 });
    await call.page.mouse.up();
    const a = (await float.boundingBox())!;
    return { before: { x: b.x, y: b.y }, after: { x: a.x, y: a.y } };
  }

  it('moves when dragged (setEnableDraggableVideoTile default true), and a drag is not a click', async () => {
    const alice = await join('alice', 'drag-1', { setters: { setMode: 'spotlight' } });
    await join('bob', 'drag-1');
    await tilesReady(alice, 2);
    const { before, after } = await dragFloat(alice);
    expect(after.x).toBeLessThan(before.x - 100);
    expect(after.y).toBeLessThan(before.y - 100);
    expect((await placement(alice)).stage).toEqual(['bob']);
  });

  it('stays put when dragging is disabled', async () => {
    const alice = await join('alice', 'drag-2', { setters: { setMode: 'spotlight', setEnableDraggableVideoTile: false } });
    await join('bob', 'drag-2');
    await tilesReady(alice, 2);
    const { before, after } = await dragFloat(alice);
    expect(after).toEqual(before);
    expect(await ui(alice, '[data-float]').getAttribute('data-draggable')).toBe('false');
  });
});

describe('avatars', () => {
  it('take the shape setAvatarMode asks for when video is off', async () => {
    const radius = (call: CallPage) =>
      ui(call, '[data-local=true] [data-avatar-mode]').evaluate((el) => {
        const cs = getComputedStyle(el);
        const tile = el.parentElement!.getBoundingClientRect();
        const box = el.getBoundingClientRect();
        return { mode: (el as HTMLElement).dataset.avatarMode, radius: cs.borderTopLeftRadius, visible: cs.display !== 'none', fill: box.width / tile.width, text: el.textContent };
      });
    const circle = await join('alice', 'avatar-1', { setters: { setStartVideoMuted: true } });
    const square = await join('bob', 'avatar-1', { setters: { setStartVideoMuted: true, setAvatarMode: 'square' } });
    const full = await join('carol', 'avatar-1', { setters: { setStartVideoMuted: true, setAvatarMode: 'fullscreen' } });
    for (const c of [circle, square, full]) await eventually(() => radius(c), (r) => r.visible, 10_000, 'avatar shown');
    const [r1, r2, r3] = await Promise.all([radius(circle), radius(square), radius(full)]);
    expect(r1).toMatchObject({ mode: 'circle', radius: '50%', text: 'AE' });
    expect(r2.mode).toBe('square');
    expect(Number.parseFloat(r2.radius)).toBeGreaterThan(0);
    expect(r2.radius).not.toBe('50%');
    expect(r3).toMatchObject({ mode: 'fullscreen', radius: '0px' });
    expect(r3.fill).toBeCloseTo(1, 2);
    expect(r1.fill).toBeLessThan(0.6);
  });
});
