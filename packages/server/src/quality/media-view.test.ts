import { describe, expect, it } from 'vitest';
import { mediaViewQuality } from './media-view.ts';

const link = (lossPercent: number, jitterMs = 5) => ({ lossPercent, jitterMs, bytesPerSecond: 50_000 });

describe("a participant's score from the media server's view", () => {
  it('is the worse of their uplink and downlink, graded like the SDK grades getStats()', () => {
    expect(mediaViewQuality({ publisher: { received: link(0), rttMs: 30 }, subscriber: { sent: link(0), rttMs: 30 } })).toBe(5);
    expect(mediaViewQuality({ publisher: { received: link(7), rttMs: 30 }, subscriber: { sent: link(0), rttMs: 30 } })).toBe(2);
    expect(mediaViewQuality({ publisher: { received: link(0), rttMs: 30 }, subscriber: { sent: link(2), rttMs: 30 } })).toBe(4);
    expect(mediaViewQuality({ publisher: { received: link(0, 90), rttMs: 600 } })).toBe(2);
  });

  it('has no view when no media moved either way', () => {
    expect(mediaViewQuality({ publisher: { rttMs: 40 }, subscriber: { rttMs: null } })).toBeUndefined();
    expect(mediaViewQuality({})).toBeUndefined();
  });
});
