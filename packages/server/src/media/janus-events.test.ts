import { describe, expect, it } from 'vitest';
import { parseJanusEvents } from './janus-events.ts';

/** One medium as Janus 1.1.2's stats event carries it (src/ice.c), with the fields we read. */
const medium = (over: Record<string, unknown> = {}) => ({
  mid: '0',
  mindex: 0,
  media: 'audio',
  codec: 'opus',
  base: 48_000,
  rtt: 12,
  lost: 0,
  'lost-by-remote': 0,
  'jitter-local': 3,
  'jitter-remote': 4,
  'in-link-quality': 100,
  'in-media-link-quality': 100,
  'out-link-quality': 0,
  'out-media-link-quality': 0,
  'packets-received': 500,
  'packets-sent': 0,
  'bytes-received': 40_000,
  'bytes-sent': 0,
  'bytes-received-lastsec': 4_000,
  'bytes-sent-lastsec': 0,
  ...over,
});
const statsEvent = (handleId: number, event: unknown) => ({
  emitter: 'parley-janus',
  type: 32,
  subtype: 3,
  timestamp: 1_700_000_000_000_000,
  session_id: 77,
  handle_id: handleId,
  event,
});

describe('reading Janus event handler messages', () => {
  it("turns a publisher's combined stats into what it received: the worst layer's loss, the audio's jitter, every layer's bytes, each line's totals", () => {
    const text = JSON.stringify([
      statsEvent(5, [
        medium({ lost: 4 }),
        medium({ mid: '1', media: 'video', rtt: 30, 'in-link-quality': 92, 'jitter-local': 60, 'bytes-received-lastsec': 50_000, 'packets-received': 900, lost: 2 }),
        medium({ mid: '1', media: 'video-sim1', rtt: undefined, 'in-link-quality': 97, 'bytes-received-lastsec': 20_000, 'packets-received': 1_200, lost: 1 }),
      ]),
    ]);
    expect(parseJanusEvents(text)).toEqual({
      stats: [
        {
          sessionId: 77,
          handleId: 5,
          stats: {
            received: { lossPercent: 8, jitterMs: 3, bytesPerSecond: 74_000 },
            receivedTotals: { '0': { packets: 500, lost: 4 }, '1': { packets: 2_100, lost: 3 } },
            rttMs: 30,
          },
        },
      ],
      rejected: 0,
    });
  });

  it("takes the video's jitter when no audio moves (a screen share, a camera alone)", () => {
    const text = JSON.stringify(statsEvent(5, [medium({ mid: '1', media: 'video', 'jitter-local': 45 })]));
    expect(parseJanusEvents(text).stats[0]?.stats.received?.jitterMs).toBe(45);
  });

  it("reads a subscriber's sent side from its receiver reports, and gathers per-medium events of one handle", () => {
    const sent = {
      'bytes-received-lastsec': 0,
      'in-link-quality': 0,
      'packets-received': 0,
      'bytes-sent-lastsec': 30_000,
      'out-media-link-quality': 85,
      'packets-sent': 900,
      'nacks-received': 30,
    };
    const text = JSON.stringify([statsEvent(9, medium(sent)), statsEvent(9, medium({ ...sent, mid: '1', media: 'video', 'jitter-remote': 21 }))]);
    const [only] = parseJanusEvents(text).stats;
    expect(only?.stats).toEqual({
      sent: { lossPercent: 15, jitterMs: 21, bytesPerSecond: 60_000 },
      sentByMid: { '0': { lossPercent: 15, jitterMs: 4, bytesPerSecond: 30_000 }, '1': { lossPercent: 15, jitterMs: 21, bytesPerSecond: 30_000 } },
      sentTotals: { '0': { packets: 900, nacked: 30 }, '1': { packets: 900, nacked: 30 } },
      rttMs: 12,
    });
  });

  it('leaves out a direction that carried nothing, or was not measured yet (Janus reports 0 before its first estimate)', () => {
    const text = JSON.stringify(
      statsEvent(3, [medium({ 'in-link-quality': 0, 'packets-received': 0, rtt: 0 }), medium({ media: 'data', 'bytes-received-lastsec': 10 })]),
    );
    expect(parseJanusEvents(text).stats[0]?.stats).toEqual({ rttMs: null });
  });

  it('refuses events with a field out of range or not a number, and events that are not media events, keeping the good ones', () => {
    const text = JSON.stringify([
      statsEvent(1, [medium({ 'in-link-quality': 140 })]),
      statsEvent(2, [medium({ 'jitter-local': -1 })]),
      statsEvent(3, [medium({ 'bytes-received-lastsec': '4000' })]),
      { ...statsEvent(4, [medium()]), handle_id: 'x' },
      statsEvent(5, [medium({ mid: 3 })]),
      { type: 2, session_id: 77, handle_id: 5, event: { name: 'attached' } },
      statsEvent(6, [medium()]),
      // A media state change: read on the Janus API instead, not an error.
      { ...statsEvent(7, { media: 'audio', receiving: false }), subtype: 1 },
    ]);
    const parsed = parseJanusEvents(text);
    expect(parsed.rejected).toBe(6);
    expect(parsed.stats.map((s) => s.handleId)).toEqual([6]);
  });

  it('counts a message that is not JSON as one rejected event', () => {
    expect(parseJanusEvents('{nope')).toEqual({ stats: [], rejected: 1 });
  });
});
