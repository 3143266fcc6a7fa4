/**
 * Our network quality's measures: the worst of our connections' links over one
 * interval (getStats() read by stats-sample.ts), scored 0 lost … 5 excellent by
 * the protocol's networkQuality.
 */
import type { NetworkMeasures } from '@parley/protocol';

// The score itself is shared with the server (its view of each connection from Janus's stats).
export { type NetworkMeasures, networkQuality, QUALITY_THRESHOLDS } from '@parley/protocol';

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
