import { describe, expect, it } from 'vitest';
import { draggable } from './float-drag.ts';

/** The floating tile, 100 × 75 at (500, 300) in an 800 × 600 container: what dragging reads and writes of it. */
class FakeTile extends EventTarget {
  readonly dataset: Record<string, string> = {};
  readonly style: Record<string, string> = {};
  readonly offsetWidth = 100;
  readonly offsetHeight = 75;
  readonly captured: number[] = [];
  setPointerCapture(id: number): void {
    this.captured.push(id);
  }
  getBoundingClientRect() {
    return { left: 500, top: 300, width: 100, height: 75 };
  }
}
const container = { getBoundingClientRect: () => ({ left: 0, top: 0, width: 800, height: 600 }) } as HTMLElement;

function pointer(type: string, x: number, y: number): Event {
  return Object.assign(new Event(type), { button: type === 'pointermove' ? -1 : 0, pointerId: 7, clientX: x, clientY: y });
}

/**
 * Until the dragging chunk (drag.ts) is imported and float-drag.ts has taken it: the events dispatched before
 * this resolves came while it loaded. (A fixed 50 ms was too short for the import on a loaded CI machine.)
 */
const chunkLoaded = async () => {
  await import('./drag.ts');
  await new Promise((resolve) => setTimeout(resolve, 0));
};

describe('the floating tile, its dragging code loaded on first use', () => {
  it('follows a drag that was over before its code arrived, the pointer captured once at the press', async () => {
    const tile = new FakeTile();
    draggable(tile as unknown as HTMLElement, () => container);
    expect(tile.dataset.draggable).toBe('true');
    tile.dispatchEvent(pointer('pointerdown', 550, 337));
    tile.dispatchEvent(pointer('pointermove', 480, 240));
    tile.dispatchEvent(pointer('pointermove', 400, 137));
    tile.dispatchEvent(pointer('pointerup', 400, 137));
    await chunkLoaded();
    expect(tile.style).toMatchObject({ left: '350px', top: '100px' });
    expect(tile.dataset.dragging).toBeUndefined();
    expect(tile.captured).toEqual([7]);
  });

  it('keeps an arrow key from scrolling the page at once, and moves the tile by it once the code is there', async () => {
    const tile = new FakeTile();
    draggable(tile as unknown as HTMLElement, () => container);
    const left = Object.assign(new Event('keydown', { cancelable: true }), { key: 'ArrowLeft' });
    tile.dispatchEvent(left);
    expect(left.defaultPrevented).toBe(true);
    await chunkLoaded();
    expect(tile.style.left).toBe('476px');
  });

  it('loads nothing for a hover or another key, and stays put once undone', async () => {
    const tile = new FakeTile();
    const undo = draggable(tile as unknown as HTMLElement, () => container);
    tile.dispatchEvent(pointer('pointermove', 520, 310));
    tile.dispatchEvent(Object.assign(new Event('keydown'), { key: 'Tab' }));
    tile.dispatchEvent(pointer('pointerdown', 550, 337));
    undo();
    tile.dispatchEvent(pointer('pointermove', 400, 137));
    await chunkLoaded();
    expect(tile.style).toEqual({});
    expect(tile.dataset.draggable).toBe('false');
  });
});
