/**
 * The quality values that need no schema library (the browser SDK bundles them
 * through runtime.ts): the network quality scale, 0 lost (no media flows) …
 * 5 excellent, the bound on a sample's connections (quality.ts), and the score
 * itself — from the measures of one interval, the same for a client's own
 * getStats() and for the media server's view of a connection.
 */
export const NETWORK_QUALITY = { lost: 0, bad: 1, poor: 2, fair: 3, good: 4, excellent: 5 } as const;
export type NetworkQuality = (typeof NETWORK_QUALITY)[keyof typeof NETWORK_QUALITY];

/** The most connections a sample may describe (today: a publisher and a subscriber; a screen share adds one). */
export const MAX_SAMPLE_CONNECTIONS = 4;

export interface NetworkMeasures {
  /** Whether any media moved during the interval; none at all is `lost`. */
  flowing: boolean;
  /** The worst loss over the interval, 0–100. */
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

/** Each measure is graded on its own and the score is the worst grade: no loss but a 900 ms round trip is still a poor link for a conversation. */
export function networkQuality(m: NetworkMeasures): NetworkQuality {
  if (!m.flowing) return NETWORK_QUALITY.lost;
  const grades = [grade(m.lossPercent, (t) => t.lossPercent), grade(m.jitterMs, (t) => t.jitterMs)];
  if (m.rttMs !== null) grades.push(grade(m.rttMs, (t) => t.rttMs));
  return Math.min(...grades) as NetworkQuality;
}
