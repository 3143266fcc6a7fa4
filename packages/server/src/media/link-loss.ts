/**
 * A connection's loss per m-line over the last stats interval, both ways,
 * from Janus's running counts rather than its filtered link qualities.
 *
 * Received (a publisher's uplink): the share of the packets Janus expected
 * that it found missing (`lost` of `packets-received` + `lost`). Janus's
 * `in-link-quality` is filtered over RTCP intervals and a simulcast layer the
 * browser turns back on starts it low: under CPU load Chromium drops and
 * re-adds its top layer, and healthy publishers read 28–42 % loss for seconds
 * with no packet lost (measured in e2e).
 *
 * Sent (a subscriber's downlink): the share of the packets Janus sent that
 * the browser asked again for (its NACKs). Not Janus's `out-media-link-quality`:
 * it is filtered over receiver reports, Janus reads only the first report
 * block of each (so most m-lines' figure goes stale — measured in e2e: one
 * stayed at 73 % loss for ten seconds of silence), and it keeps falling while a
 * line sends nothing, so a video resuming after a pause would read as losing
 * most of it, and the probe that should bring it back would fail on a past that
 * is not there. Audio is not NACKed: its lines read 0 %.
 */
import { worstReading } from './link-reading.ts';
import type { ConnectionStats, LinkReading } from './media-backend.ts';

/** Fewer packets than this in an interval say nothing about loss (a paused video, a stream just stopped). */
const MIN_PACKETS = 20;

type Totals = Readonly<Record<string, { packets: number; lost: number }>>;

/** Each m-line's loss since the last totals; a line seen for the first time, or that moved too little, is left out. */
class IntervalLoss {
  readonly #last = new Map<string, { packets: number; lost: number }>();

  /** `counted`: whether a lost packet is among the packets counted (sent, then NACKed) or besides them (missing from those received). */
  measure(totals: Totals, counted: 'among' | 'besides'): Map<string, number> {
    const loss = new Map<string, number>();
    for (const [mid, total] of Object.entries(totals)) {
      const before = this.#last.get(mid);
      this.#last.set(mid, total);
      if (!before) continue;
      const packets = total.packets - before.packets;
      const lost = Math.max(0, total.lost - before.lost);
      const expected = counted === 'among' ? packets : packets + lost;
      if (expected < MIN_PACKETS) continue;
      loss.set(mid, Math.min(100, (100 * lost) / expected));
    }
    return loss;
  }
}

export class LinkLossMeter {
  readonly #received = new IntervalLoss();
  readonly #sent = new IntervalLoss();

  /** The stats with each direction's loss over the interval since the last ones; lines that moved too little are left out. */
  measure(stats: ConnectionStats): ConnectionStats {
    return this.#measureSent(this.#measureReceived(stats));
  }

  /** What was received: the worst line's loss; no reading until one line was measured. */
  #measureReceived(stats: ConnectionStats): ConnectionStats {
    const { received, receivedTotals, ...rest } = stats;
    if (!receivedTotals) return stats;
    const loss = this.#received.measure(receivedTotals, 'besides');
    if (!received || loss.size === 0) return { ...rest, receivedTotals };
    return { ...rest, receivedTotals, received: { ...received, lossPercent: Math.max(...loss.values()) } };
  }

  /** What was sent, per m-line and the worst of them; lines not measured are left out. */
  #measureSent(stats: ConnectionStats): ConnectionStats {
    const { sent, sentByMid, sentTotals, ...rest } = stats;
    if (!sentTotals) return stats;
    const loss = this.#sent.measure(
      Object.fromEntries(Object.entries(sentTotals).map(([mid, t]) => [mid, { packets: t.packets, lost: t.nacked }])),
      'among',
    );
    const measured: Record<string, LinkReading> = {};
    for (const [mid, lossPercent] of loss) {
      const reading = sentByMid?.[mid];
      if (reading) measured[mid] = { ...reading, lossPercent };
    }
    const worst = worstReading(Object.values(measured));
    return { ...rest, sentTotals, ...(worst ? { sent: worst, sentByMid: measured } : {}) };
  }
}
