import { describe, expect, it } from 'vitest';
import { LinkLossMeter } from './link-loss.ts';
import type { ConnectionStats } from './media-backend.ts';

/** Janus's view of a subscriber with two m-lines: its filtered loss per line, and the running totals. */
const sentStats = (filteredLoss: number, totals: Record<string, [packets: number, nacked: number]>): ConnectionStats => {
  const reading = { lossPercent: filteredLoss, jitterMs: 8, bytesPerSecond: 20_000 };
  return {
    sent: reading,
    sentByMid: Object.fromEntries(Object.keys(totals).map((mid) => [mid, reading])),
    sentTotals: Object.fromEntries(Object.entries(totals).map(([mid, [packets, nacked]]) => [mid, { packets, nacked }])),
    rttMs: 30,
  };
};

/** Janus's view of a publisher (audio on mid 0, a simulcast video's layers together on mid 1): its filtered loss, and the running totals. */
const receivedStats = (filteredLoss: number, totals: Record<string, [packets: number, lost: number]>): ConnectionStats => ({
  received: { lossPercent: filteredLoss, jitterMs: 12, bytesPerSecond: 90_000 },
  receivedTotals: Object.fromEntries(Object.entries(totals).map(([mid, [packets, lost]]) => [mid, { packets, lost }])),
  rttMs: null,
});

describe("a subscriber's loss over each interval", () => {
  it("is the share of what was sent since the last stats that the browser asked again for, per m-line, whatever Janus's filtered value says", () => {
    const meter = new LinkLossMeter();
    expect(meter.measure(sentStats(60, { '0': [1_000, 10], '1': [5_000, 400] })).sent).toBeUndefined();
    const next = meter.measure(sentStats(60, { '0': [1_100, 10], '1': [5_400, 420] }));
    expect(next.sentByMid).toEqual({
      '0': { lossPercent: 0, jitterMs: 8, bytesPerSecond: 20_000 },
      '1': { lossPercent: 5, jitterMs: 8, bytesPerSecond: 20_000 },
    });
    expect(next.sent).toEqual({ lossPercent: 5, jitterMs: 8, bytesPerSecond: 40_000 });
  });

  it('says nothing of a line that sent too little in the interval (a paused video, a stopped feed)', () => {
    const meter = new LinkLossMeter();
    meter.measure(sentStats(0, { '0': [1_000, 0], '1': [5_000, 0] }));
    const next = meter.measure(sentStats(40, { '0': [1_100, 0], '1': [5_005, 3] }));
    expect(Object.keys(next.sentByMid ?? {})).toEqual(['0']);
  });
});

describe("a publisher's loss over each interval", () => {
  it('reads 0 while a simulcast layer turned back on drags Janus\'s filtered quality down with nothing lost (recorded under CPU load)', () => {
    const meter = new LinkLossMeter();
    meter.measure(receivedStats(0, { '0': [2_000, 0], '1': [6_000, 0] }));
    // Recorded: video-sim2 back after Chromium's encoder dropped it, in-link-quality 58 → 81 → 92, no packet missing.
    for (const [filtered, step] of [
      [42, 1],
      [19, 2],
      [8, 3],
    ] as const) {
      const next = meter.measure(receivedStats(filtered, { '0': [2_000 + 100 * step, 0], '1': [6_000 + 160 * step, 0] }));
      expect(next.received?.lossPercent).toBe(0);
    }
  });

  it("is the worst line's share of the packets Janus expected that never came (recorded: a 64 kbit/s uplink)", () => {
    const meter = new LinkLossMeter();
    meter.measure(receivedStats(0, { '0': [1_000, 0], '1': [3_000, 0] }));
    // Two seconds of it: 17 audio packets of 134, 1 video packet of 28.
    const next = meter.measure(receivedStats(64, { '0': [1_017, 117], '1': [3_001, 27] }));
    expect(next.received?.lossPercent).toBeCloseTo(96.4, 1);
    expect(next.received?.jitterMs).toBe(12);
  });

  it('has no loss reading before a second set of totals, nor from lines that moved too little', () => {
    const meter = new LinkLossMeter();
    expect(meter.measure(receivedStats(30, { '0': [500, 0] })).received).toBeUndefined();
    expect(meter.measure(receivedStats(30, { '0': [505, 5] })).received).toBeUndefined();
  });

  it('leaves stats without totals as they are', () => {
    const publisher: ConnectionStats = { received: { lossPercent: 2, jitterMs: 3, bytesPerSecond: 90_000 }, rttMs: 12 };
    expect(new LinkLossMeter().measure(publisher)).toBe(publisher);
  });
});
