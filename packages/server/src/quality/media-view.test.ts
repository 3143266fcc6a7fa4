import { describe, expect, it } from 'vitest';
import type { ConnectionStats } from '../media/media-backend.ts';
import { MediaView } from './media-view.ts';

const link = (lossPercent: number, jitterMs = 5) => ({ lossPercent, jitterMs, bytesPerSecond: 50_000 });
const up = (lossPercent: number, jitterMs = 5): ConnectionStats => ({ received: link(lossPercent, jitterMs), rttMs: null });
const down = (lossPercent: number, rttMs: number | null, jitterMs = 5): ConnectionStats => ({ sent: link(lossPercent, jitterMs), rttMs });

/** A view fed readings in turn, each as [publisher, subscriber] (null: no reading of that one this interval). */
function viewOf(readings: Array<[ConnectionStats | null, ConnectionStats | null]>): MediaView {
  const view = new MediaView(3);
  for (const [publisher, subscriber] of readings) {
    if (publisher) view.add('publisher', publisher);
    if (subscriber) view.add('subscriber', subscriber);
  }
  return view;
}

describe("a participant's score from the media server's view", () => {
  it('is the worse of their uplink and downlink, graded like the SDK grades getStats()', () => {
    expect(viewOf([[up(0), down(0, 30)]]).quality()).toBe(5);
    expect(viewOf([[up(7), down(0, 30)]]).quality()).toBe(2);
    expect(viewOf([[up(0), down(2, 30)]]).quality()).toBe(4);
    expect(viewOf([[{ received: link(0, 90), rttMs: 600 }, null]]).quality()).toBe(2);
  });

  it('has no view when no media moved either way', () => {
    expect(viewOf([[{ rttMs: 40 }, { rttMs: null }]]).quality()).toBeUndefined();
    expect(new MediaView().quality()).toBeUndefined();
  });

  it('stays high for a healthy client on a loaded host: one bad interval at a time does not lower it (recorded under full-suite load)', () => {
    // Readings 2 s apart as Janus sent them for a client whose link was fine while both cores were busy:
    // a burst of NACKs as a starved decoder caught up, a late receiver report's 650 ms round trip, jitter
    // of 30 ms, and one interval of uplink loss.
    const view = new MediaView(3);
    const series: Array<[ConnectionStats, ConnectionStats]> = [
      [up(0, 18), down(0, 12, 14)],
      [up(0, 29), down(15, 16, 26)],
      [up(0, 22), down(0, 650, 23)],
      [up(6, 26), down(0, 40, 30)],
      [up(0, 13), down(2, 87, 27)],
      [up(0, 20), down(0, 636, 19)],
      [up(0, 24), down(0, 79, 29)],
    ];
    const scores = series.map(([publisher, subscriber]) => {
      view.add('publisher', publisher);
      view.add('subscriber', subscriber);
      return view.quality();
    });
    expect(Math.min(...(scores as number[]))).toBeGreaterThanOrEqual(4);
  });

  it('falls low and stays low for a client behind a 64 kbit/s link (recorded: tc shaping of their ports)', () => {
    // Their uplink loses most of what they send and the server's video to them is NACKed over and over,
    // behind a queue that holds the round trip at a quarter to half a second.
    const view = new MediaView(3);
    const series: Array<[ConnectionStats | null, ConnectionStats | null]> = [
      [up(0, 10), down(0, 3)],
      [up(87, 71), down(100, 418, 43)],
      [up(93, 63), down(100, 459, 40)],
      [up(97, 61), down(57, 250, 59)],
      [up(58, 11), { rttMs: 250 }],
      [up(64, 39), down(100, 262, 56)],
      [up(40, 35), down(100, 358, 61)],
    ];
    const scores = series.map(([publisher, subscriber]) => {
      if (publisher) view.add('publisher', publisher);
      if (subscriber) view.add('subscriber', subscriber);
      return view.quality();
    });
    expect(scores[0]).toBe(5);
    // One bad interval is not enough; from the second on it holds.
    expect(scores[1]).toBe(5);
    expect(scores.slice(2)).toEqual([1, 1, 1, 1, 1]);
  });

  it('scores a reading that holds for most of the window, whichever way it goes', () => {
    const view = viewOf([
      [up(0), down(0, 20)],
      [up(8), down(0, 20)],
      [up(8), down(0, 20)],
    ]);
    expect(view.quality()).toBe(2);
    view.add('publisher', up(0));
    view.add('publisher', up(0));
    expect(view.quality()).toBe(5);
  });
});
