/**
 * A subscriber connection's loss per m-line over the last stats interval: the
 * share of the packets Janus sent that the browser asked again for (its
 * NACKs), from the running counts. Not Janus's `out-media-link-quality`: it is
 * filtered over receiver reports, Janus reads only the first report block of
 * each (so most m-lines' figure goes stale — measured in e2e: one stayed at
 * 73 % loss for ten seconds of silence), and it keeps falling while a line
 * sends nothing, so a video resuming after a pause would read as losing most
 * of it, and the probe that should bring it back would fail on a past that is
 * not there. Audio is not NACKed: its lines read 0 %.
 */
import { worstReading } from './link-reading.ts';
import type { ConnectionStats, LinkReading } from './media-backend.ts';

/** Fewer packets than this in an interval say nothing about loss (a paused video, a stream just stopped). */
const MIN_PACKETS = 20;

export class SentLossMeter {
  readonly #last = new Map<string, { packets: number; nacked: number }>();

  /** The stats with each m-line's loss over the interval since the last ones; lines that sent too little are left out. */
  measure(stats: ConnectionStats): ConnectionStats {
    const { sent, sentByMid, sentTotals, ...rest } = stats;
    if (!sentTotals) return stats;
    const measured: Record<string, LinkReading> = {};
    for (const [mid, total] of Object.entries(sentTotals)) {
      const before = this.#last.get(mid);
      this.#last.set(mid, total);
      const reading = sentByMid?.[mid];
      const packets = before ? total.packets - before.packets : 0;
      if (!reading || !before || packets < MIN_PACKETS) continue;
      const nacked = Math.max(0, total.nacked - before.nacked);
      measured[mid] = { ...reading, lossPercent: Math.min(100, (100 * nacked) / packets) };
    }
    const worst = worstReading(Object.values(measured));
    return { ...rest, sentTotals, ...(worst ? { sent: worst, sentByMid: measured } : {}) };
  }
}
