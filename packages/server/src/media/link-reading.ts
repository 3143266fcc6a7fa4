import type { LinkReading } from './media-backend.ts';

/** One direction of a connection from its m-lines' readings: the highest loss and jitter, and all that moved; undefined for none. */
export function worstReading(readings: readonly LinkReading[]): LinkReading | undefined {
  if (readings.length === 0) return undefined;
  return {
    lossPercent: Math.max(...readings.map((r) => r.lossPercent)),
    jitterMs: Math.max(...readings.map((r) => r.jitterMs)),
    bytesPerSecond: readings.reduce((sum, r) => sum + r.bytesPerSecond, 0),
  };
}
