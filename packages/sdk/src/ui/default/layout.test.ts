import { describe, expect, it } from 'vitest';
import { gridShape, place } from './layout.ts';
import { colourFor, initials } from './tile.ts';

describe('gridShape', () => {
  it('puts tiles side by side on a landscape box and stacks them on a portrait phone', () => {
    expect(gridShape(1, 800, 520)).toEqual({ cols: 1, rows: 1 });
    expect(gridShape(2, 800, 520)).toEqual({ cols: 2, rows: 1 });
    expect(gridShape(2, 366, 600)).toEqual({ cols: 1, rows: 2 });
    expect(gridShape(4, 800, 520)).toEqual({ cols: 2, rows: 2 });
    expect(gridShape(9, 1280, 720)).toEqual({ cols: 3, rows: 3 });
  });
});

describe('place', () => {
  const uids = ['me', 'a', 'b', 'c'];
  it('grid: everyone on the stage', () => {
    expect(place('default', uids, 'me', undefined)).toEqual({ stage: uids, strip: [], float: undefined });
  });
  it('spotlight: the focus large, the other remotes in the strip, us floating', () => {
    expect(place('spotlight', uids, 'me', 'b')).toEqual({ stage: ['b'], strip: ['a', 'c'], float: 'me' });
    expect(place('spotlight', uids, 'me', undefined)).toEqual({ stage: ['a'], strip: ['b', 'c'], float: 'me' });
    expect(place('spotlight', uids, 'me', 'gone')).toEqual({ stage: ['a'], strip: ['b', 'c'], float: 'me' });
    expect(place('spotlight', ['me'], 'me', undefined)).toEqual({ stage: ['me'], strip: [], float: undefined });
  });
  it('single: one participant only', () => {
    expect(place('single', uids, 'me', 'c')).toEqual({ stage: ['c'], strip: [], float: undefined });
    expect(place('single', [], undefined, undefined)).toEqual({ stage: [], strip: [], float: undefined });
  });
});

describe('avatars', () => {
  it('take up to two initials and a stable colour per uid', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('grace brewster murray hopper')).toBe('GH');
    expect(initials('  ')).toBe('?');
    expect(initials('Émile')).toBe('É');
    expect(colourFor('alice')).toBe(colourFor('alice'));
    expect(colourFor('alice')).not.toBe(colourFor('bob'));
  });
});
