/**
 * The network quality score (0 lost … 5 excellent) from what getStats()
 * measured over one interval. Each measure is graded on its own against the
 * thresholds below and the score is the worst grade: a link with no loss but
 * a 900 ms round trip is still a poor link for a conversation.
 */
import { NETWORK_QUALITY, type NetworkQuality } from '@parley/protocol';

export interface NetworkMeasures {
  /** Whether any media moved on our connections during the interval; none at all is `lost`. */
  flowing: boolean;
  /** The worst loss of our connections over the interval, 0–100. */
  lossPercent: number;
  /** The worst jitter, ms. */
  jitterMs: number;
  /** The worst round-trip time; null before one was measured (graded as fine). */
  rttMs: number | null;
}

/**
 * Upper bounds (exclusive) of each grade, from the best down: loss < 1 %, RTT < 150 ms and
 * jitter < 20 ms is excellent. Roughly ITU-T G.114's "users satisfied" one-way delay (RTT
 * 300 ms) sits between good and fair, and Opus with FEC hides a few percent of loss.
 */
export const QUALITY_THRESHOLDS: ReadonlyArray<{ quality: NetworkQuality; lossPercent: number; rttMs: number; jitterMs: number }> = [
  { quality: NETWORK_QUALITY.excellent, lossPercent: 1, rttMs: 150, jitterMs: 20 },
  { quality: NETWORK_QUALITY.good, lossPercent: 3, rttMs: 300, jitterMs: 40 },
  { quality: NETWORK_QUALITY.fair, lossPercent: 6, rttMs: 500, jitterMs: 70 },
  { quality: NETWORK_QUALITY.poor, lossPercent: 12, rttMs: 1_000, jitterMs: 120 },
];

function grade(value: number, bound: (t: (typeof QUALITY_THRESHOLDS)[number]) => number): NetworkQuality {
  for (const t of QUALITY_THRESHOLDS) if (value < bound(t)) return t.quality;
  return NETWORK_QUALITY.bad;
}

export function networkQuality(m: NetworkMeasures): NetworkQuality {
  if (!m.flowing) return NETWORK_QUALITY.lost;
  const grades = [grade(m.lossPercent, (t) => t.lossPercent), grade(m.jitterMs, (t) => t.jitterMs)];
  if (m.rttMs !== null) grades.push(grade(m.rttMs, (t) => t.rttMs));
  return Math.min(...grades) as NetworkQuality;
}

/** One connection's link over an interval (stats-sample.ts linkMeasures). */
export interface LinkMeasures {
  lossPercent: number;
  jitterMs: number;
  rttMs: number | null;
}

/** The measures of an interval: the worst of our connections' links, and whether anything moved on any. */
export function worstOf(links: readonly LinkMeasures[], flowing: boolean): NetworkMeasures {
  const rtts = links.map((l) => l.rttMs).filter((v): v is number => v !== null);
  return {
    flowing,
    lossPercent: Math.max(0, ...links.map((l) => l.lossPercent)),
    jitterMs: Math.max(0, ...links.map((l) => l.jitterMs)),
    rttMs: rtts.length === 0 ? null : Math.max(...rtts),
  };
}
