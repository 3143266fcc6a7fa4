import { describe, expect, it } from 'vitest';
import type { ConnectionStats } from './media-backend.ts';
import { SentLossMeter } from './sent-loss.ts';

/** Janus's view of a subscriber with two m-lines: its filtered loss per line, and the running totals. */
const stats = (filteredLoss: number, totals: Record<string, [packets: number, nacked: number]>): ConnectionStats => {
  const reading = { lossPercent: filteredLoss, jitterMs: 8, bytesPerSecond: 20_000 };
  return {
    sent: reading,
    sentByMid: Object.fromEntries(Object.keys(totals).map((mid) => [mid, reading])),
    sentTotals: Object.fromEntries(Object.entries(totals).map(([mid, [packets, nacked]]) => [mid, { packets, nacked }])),
    rttMs: 30,
  };
};

describe("a subscriber's loss over each interval", () => {
  it('is the share of what was sent since the last stats that the browser asked again for, per m-line, whatever Janus\'s filtered value says', () => {
    const meter = new SentLossMeter();
    expect(meter.measure(stats(60, { '0': [1_000, 10], '1': [5_000, 400] })).sent).toBeUndefined();
    const next = meter.measure(stats(60, { '0': [1_100, 10], '1': [5_400, 420] }));
    expect(next.sentByMid).toEqual({
      '0': { lossPercent: 0, jitterMs: 8, bytesPerSecond: 20_000 },
      '1': { lossPercent: 5, jitterMs: 8, bytesPerSecond: 20_000 },
    });
    expect(next.sent).toEqual({ lossPercent: 5, jitterMs: 8, bytesPerSecond: 40_000 });
  });

  it('says nothing of a line that sent too little in the interval (a paused video, a stopped feed)', () => {
    const meter = new SentLossMeter();
    meter.measure(stats(0, { '0': [1_000, 0], '1': [5_000, 0] }));
    const next = meter.measure(stats(40, { '0': [1_100, 0], '1': [5_005, 3] }));
    expect(Object.keys(next.sentByMid ?? {})).toEqual(['0']);
  });

  it('leaves stats without totals (a publisher) as they are', () => {
    const publisher: ConnectionStats = { received: { lossPercent: 2, jitterMs: 3, bytesPerSecond: 90_000 }, rttMs: 12 };
    expect(new SentLossMeter().measure(publisher)).toBe(publisher);
  });
});
