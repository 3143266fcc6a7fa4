import { afterEach, describe, expect, it, vi } from 'vitest';
import { OnDemand } from './on-demand.ts';

/** A part whose chunk arrives when the test says so. */
function slowPart() {
  const part = { shown: [] as string[], hidden: 0, hide: () => void part.hidden++ };
  let arrive!: () => void;
  const chunk = new Promise<void>((resolve) => (arrive = resolve));
  const make = vi.fn(async () => {
    await chunk;
    return part;
  });
  return { part, arrive, make };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => vi.restoreAllMocks());

describe('a part of the UI shown on demand', () => {
  it('loads its chunk the first time it is shown, once, and shows each request once it is there', async () => {
    const { part, arrive, make } = slowPart();
    const dialog = new OnDemand(make, 'idle warning');
    expect(dialog.part).toBeUndefined();
    dialog.show((p) => p.shown.push('first'));
    dialog.show((p) => p.shown.push('second'));
    arrive();
    await settled();
    expect(make).toHaveBeenCalledTimes(1);
    // Only the latest request is shown: the first was superseded while the chunk loaded.
    expect(part.shown).toEqual(['second']);
    dialog.show((p) => p.shown.push('third'));
    await settled();
    expect(part.shown).toEqual(['second', 'third']);
    expect(dialog.part).toBe(part);
  });

  it('does not show what was hidden while its chunk was loading', async () => {
    const { part, arrive, make } = slowPart();
    const dialog = new OnDemand(make, 'idle warning');
    dialog.show((p) => p.shown.push('warning'));
    dialog.hide(); // someone joined before the dialog's code arrived
    arrive();
    await settled();
    expect(part.shown).toEqual([]);
    expect(await dialog.load()).toBe(part);
  });

  it('logs a chunk that fails to load, and the call goes on without the part', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const shown = vi.fn();
    const dialog = new OnDemand<{ hide(): void }>(() => Promise.reject(new Error('chunk 404')), 'switch to video request');
    dialog.show(shown);
    expect(await dialog.load()).toBeUndefined();
    dialog.hide();
    expect(shown).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledWith('[parley] the switch to video request could not be loaded', expect.any(Error));
  });
});
