import { ConnectionSample } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { networkQuality, worstOf } from './network-quality.ts';
import { connectionSample, linkMeasures, readConnection } from './stats-sample.ts';

/** A getStats() report as Chromium gives it, reduced to the fields read (times in ms, jitter and RTT in s). */
const report = (...stats: Array<Record<string, unknown>>) => new Map(stats.map((s, i) => [String(s.id ?? i), { id: String(i), ...s }]));

/** A subscriber receiving one audio and one video stream, `t` ms into the call, having lost `lost` video packets. */
function subscriberAt(t: number, { received, lost, jitter = 0.004, rtt = 0.002 }: { received: number; lost: number; jitter?: number; rtt?: number }) {
  return report(
    { type: 'transport', id: 'T', timestamp: t, selectedCandidatePairId: 'CP' },
    { type: 'candidate-pair', id: 'CP', timestamp: t, currentRoundTripTime: rtt, nominated: true, state: 'succeeded' },
    { type: 'inbound-rtp', id: 'A', kind: 'audio', timestamp: t, bytesReceived: t * 4, headerBytesReceived: t, packetsReceived: t / 20, packetsLost: 0, jitter: 0.002 },
    {
      type: 'inbound-rtp',
      id: 'V',
      kind: 'video',
      timestamp: t,
      bytesReceived: received * 1000,
      headerBytesReceived: received * 12,
      packetsReceived: received,
      packetsLost: lost,
      jitter,
      framesPerSecond: 29.97,
      frameWidth: 640,
      frameHeight: 360,
    },
  );
}

describe('a call-quality sample of one connection', () => {
  it('gives the bitrates, the loss and the video of the interval between two readings', () => {
    const before = readConnection('subscriber', subscriberAt(10_000, { received: 900, lost: 0 }));
    const now = readConnection('subscriber', subscriberAt(15_000, { received: 1_400, lost: 5 }));
    const sample = connectionSample(now, before);
    // 5 s: audio 5000×5 bytes, video 500 packets × 1012 bytes.
    expect(sample).toEqual({
      connection: 'subscriber',
      bitrateInKbps: Math.round(((25_000 + 506_000) * 8) / 1000 / 5 * 10) / 10,
      bitrateOutKbps: 0,
      packetsLost: 5,
      // 5 lost of 250 audio + 500 video received + 5 lost.
      lossPercent: Math.round((5 / 755) * 100 * 100) / 100,
      jitterMs: 4,
      rttMs: 2,
      videoSent: null,
      videoReceived: { framesPerSecond: 30, width: 640, height: 360 },
      qualityLimitation: 'none',
    });
  });

  it('reads a publisher from what Janus reported back: its loss, jitter and round trip, and why the browser held back', () => {
    const publisherAt = (t: number, sent: number, lost: number) =>
      report(
        { type: 'outbound-rtp', id: 'V', kind: 'video', timestamp: t, bytesSent: sent * 1100, headerBytesSent: 0, packetsSent: sent, framesPerSecond: 15, frameWidth: 320, frameHeight: 180, qualityLimitationReason: 'bandwidth' },
        { type: 'remote-inbound-rtp', id: 'RV', kind: 'video', timestamp: t, packetsLost: lost, jitter: 0.03, roundTripTime: 0.25 },
      );
    const sample = connectionSample(readConnection('publisher', publisherAt(5_000, 1_000, 0)), readConnection('publisher', publisherAt(0, 0, 0)));
    expect(sample).toMatchObject({ bitrateOutKbps: 1760, bitrateInKbps: 0, packetsLost: 0, lossPercent: 0, jitterMs: 30, rttMs: 250 });
    expect(sample.videoSent).toEqual({ framesPerSecond: 15, width: 320, height: 180 });
    expect(sample.qualityLimitation).toBe('bandwidth');
    const lossy = connectionSample(readConnection('publisher', publisherAt(10_000, 2_000, 100)), readConnection('publisher', publisherAt(5_000, 1_000, 0)));
    expect(lossy).toMatchObject({ packetsLost: 100, lossPercent: 10 });
  });

  it("keeps a wild jitter from the media server's report within what a sample may carry, and the sample valid", () => {
    const publisherAt = (t: number) => report({ type: 'remote-inbound-rtp', id: 'RA', kind: 'audio', timestamp: t, packetsLost: 0, jitter: 4_294_967 });
    const sample = connectionSample(readConnection('screen', publisherAt(5_000)), readConnection('screen', publisherAt(0)));
    expect(sample.jitterMs).toBe(60_000);
    expect(ConnectionSample.safeParse(sample).success).toBe(true);
  });

  it('never goes negative when counters restart', () => {
    const before = readConnection('subscriber', subscriberAt(20_000, { received: 5_000, lost: 40 }));
    const now = readConnection('subscriber', subscriberAt(25_000, { received: 100, lost: 0 }));
    const sample = connectionSample(now, before);
    expect(sample.packetsLost).toBe(0);
    expect(sample.bitrateInKbps).toBeGreaterThanOrEqual(0);
    expect(sample.lossPercent).toBe(0);
  });

  it('scores a constrained link (recorded from a shaped one: 14 % loss, 640 ms round trip) below an open one', () => {
    const open = [subscriberAt(10_000, { received: 1_500, lost: 0 }), subscriberAt(5_000, { received: 1_000, lost: 0 })].map((r) => readConnection('subscriber', r));
    const constrained = [
      subscriberAt(10_000, { received: 1_300, lost: 70, jitter: 0.09, rtt: 0.64 }),
      subscriberAt(5_000, { received: 1_000, lost: 0, jitter: 0.09, rtt: 0.64 }),
    ].map((r) => readConnection('subscriber', r));
    const score = ([now, before]: typeof open) => networkQuality(worstOf([linkMeasures(now!, before!)], true));
    expect(score(open)).toBe(5);
    expect(score(constrained)).toBeLessThanOrEqual(2);
  });
});

describe('the link a score is about', () => {
  it("is the best stream received: a sender's poor uplink (its stream lossy, the others clean) does not lower ours", () => {
    // Recorded in a three-person call where one sender was throttled: her stream arrived 25 % lossy with 115 ms jitter.
    const at = (t: number, lost: number) =>
      report(
        { type: 'inbound-rtp', id: 'clean', kind: 'video', timestamp: t, packetsReceived: t / 10, packetsLost: 0, jitter: 0.005 },
        { type: 'inbound-rtp', id: 'lossy', kind: 'video', timestamp: t, packetsReceived: t / 40, packetsLost: lost, jitter: 0.115 },
      );
    const now = readConnection('subscriber', at(10_000, 150));
    const before = readConnection('subscriber', at(5_000, 0));
    expect(connectionSample(now, before).lossPercent).toBeGreaterThan(10); // the timeline keeps what arrived
    expect(linkMeasures(now, before)).toEqual({ lossPercent: 0, jitterMs: 5, rttMs: null });
  });

  it('is every stream when our own downlink is poor', () => {
    const at = (t: number, lost: number) =>
      report(
        { type: 'inbound-rtp', id: 'a', kind: 'audio', timestamp: t, packetsReceived: t / 20, packetsLost: lost, jitter: 0.1 },
        { type: 'inbound-rtp', id: 'b', kind: 'video', timestamp: t, packetsReceived: t / 10, packetsLost: lost * 2, jitter: 0.13 },
      );
    const measures = linkMeasures(readConnection('subscriber', at(10_000, 100)), readConnection('subscriber', at(5_000, 0)));
    expect(measures.lossPercent).toBeCloseTo((100 / 350) * 100, 1);
    expect(measures.jitterMs).toBe(100);
  });
});
