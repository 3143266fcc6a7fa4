import { describe, expect, it } from 'vitest';
import { type NetworkMeasures, networkQuality, worstOf } from './network-quality.ts';

const fine: NetworkMeasures = { flowing: true, lossPercent: 0, jitterMs: 5, rttMs: 20 };

describe('the network quality score', () => {
  // Each row: what getStats() measured over an interval → the score.
  const table: Array<[string, Partial<NetworkMeasures>, number]> = [
    ['a clean loopback link', {}, 5],
    ['no round trip measured yet', { rttMs: null }, 5],
    ['nothing flowing at all', { flowing: false }, 0],
    ['nothing flowing, however clean the numbers', { flowing: false, lossPercent: 0, rttMs: 1 }, 0],
    ['0.9 % loss', { lossPercent: 0.9 }, 5],
    ['1 % loss', { lossPercent: 1 }, 4],
    ['4 % loss', { lossPercent: 4 }, 3],
    ['8 % loss', { lossPercent: 8 }, 2],
    ['20 % loss', { lossPercent: 20 }, 1],
    ['100 % loss', { lossPercent: 100 }, 1],
    ['a 200 ms round trip', { rttMs: 200 }, 4],
    ['a 450 ms round trip', { rttMs: 450 }, 3],
    ['a 900 ms round trip', { rttMs: 900 }, 2],
    ['a 2 s round trip', { rttMs: 2_000 }, 1],
    ['30 ms jitter', { jitterMs: 30 }, 4],
    ['100 ms jitter', { jitterMs: 100 }, 2],
    ['150 ms jitter', { jitterMs: 150 }, 1],
    ['the worst measure decides: clean loss, 900 ms round trip', { lossPercent: 0, rttMs: 900 }, 2],
    ['the worst measure decides: 2 % loss and 60 ms jitter', { lossPercent: 2, jitterMs: 60 }, 3],
  ];
  for (const [story, measures, score] of table) {
    it(`${story} → ${score}`, () => {
      expect(networkQuality({ ...fine, ...measures })).toBe(score);
    });
  }
});

describe('the measures of an interval', () => {
  it('take the worst of our connections\' links', () => {
    const measures = worstOf(
      [
        { lossPercent: 0.5, jitterMs: 3, rttMs: 40 },
        { lossPercent: 7, jitterMs: 12, rttMs: null },
      ],
      true,
    );
    expect(measures).toEqual({ flowing: true, lossPercent: 7, jitterMs: 12, rttMs: 40 });
  });

  it('are `lost` when nothing moved, whatever the links say', () => {
    expect(networkQuality(worstOf([{ lossPercent: 0, jitterMs: 1, rttMs: 1 }], false))).toBe(0);
    expect(worstOf([], true)).toEqual({ flowing: true, lossPercent: 0, jitterMs: 0, rttMs: null });
  });
});
