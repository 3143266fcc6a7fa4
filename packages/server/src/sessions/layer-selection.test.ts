import { describe, expect, it } from 'vitest';
import { chooseLayer, layerForView, sameChoice } from './layer-selection.ts';

const free = { oneToOne: false, linkCap: 2 } as const;

describe('the layer a view gets', () => {
  it('is the smallest layer at least as large as the tile', () => {
    expect(layerForView({ width: 160, height: 90 })).toBe(0);
    expect(layerForView({ width: 320, height: 180 })).toBe(0);
    expect(layerForView({ width: 321, height: 180 })).toBe(1);
    expect(layerForView({ width: 640, height: 360 })).toBe(1);
    expect(layerForView({ width: 900, height: 500 })).toBe(2);
  });

  it('looks at the height too: a tall narrow tile needs a taller layer', () => {
    expect(layerForView({ width: 200, height: 400 })).toBe(2);
  });

  it('is the top layer for a view larger than the camera', () => {
    expect(layerForView({ width: 3840, height: 2160 })).toBe(2);
  });
});

describe('choosing what a subscriber receives of one feed', () => {
  it('sends a small tile the small layer and a large one the full picture', () => {
    expect(chooseLayer({ ...free, view: { width: 240, height: 135 } })).toEqual({ send: true, layer: 0 });
    expect(chooseLayer({ ...free, view: { width: 1200, height: 675 } })).toEqual({ send: true, layer: 2 });
  });

  it('sends the full picture to a subscriber that never said how it shows the video', () => {
    expect(chooseLayer({ ...free, view: undefined })).toEqual({ send: true, layer: 2 });
  });

  it('sends the full picture in a one-to-one call, whatever the tile', () => {
    expect(chooseLayer({ oneToOne: true, linkCap: 2, view: { width: 100, height: 60 } })).toEqual({ send: true, layer: 2 });
  });

  it('sends nothing for a tile that is not shown, one-to-one included', () => {
    expect(chooseLayer({ ...free, view: { width: 0, height: 0 } })).toEqual({ send: false });
    expect(chooseLayer({ oneToOne: true, linkCap: 2, view: { width: 0, height: 0 } })).toEqual({ send: false });
  });

  it('never sends more than the link carries, and nothing when it carries no layer', () => {
    expect(chooseLayer({ oneToOne: true, linkCap: 1, view: undefined })).toEqual({ send: true, layer: 1 });
    expect(chooseLayer({ oneToOne: false, linkCap: 0, view: { width: 1200, height: 675 } })).toEqual({ send: true, layer: 0 });
    expect(chooseLayer({ oneToOne: true, linkCap: null, view: undefined })).toEqual({ send: false });
  });
});

describe('comparing choices', () => {
  it('tells a change of layer or of sending from the same choice', () => {
    expect(sameChoice({ send: true, layer: 1 }, { send: true, layer: 1 })).toBe(true);
    expect(sameChoice({ send: false }, { send: false })).toBe(true);
    expect(sameChoice({ send: true, layer: 1 }, { send: true, layer: 2 })).toBe(false);
    expect(sameChoice({ send: true, layer: 1 }, { send: false })).toBe(false);
    expect(sameChoice(undefined, { send: false })).toBe(false);
  });
});
