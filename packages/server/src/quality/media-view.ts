/**
 * The media server's view of one participant's network, scored on the same
 * 0–5 scale as their own getStats() (the protocol's networkQuality): what
 * reached the server from their publisher (their uplink) and what reached
 * them from the server (their downlink, from their receiver reports), the
 * worse of the two. The downlink reading comes without the m-lines of senders
 * in trouble on their own uplink (sessions/subscriber-video.ts ownStats): a
 * packet a sender never got through is lost at every receiver too, through no
 * fault of theirs.
 *
 * Each measure is the median of the connection's last few readings, not the
 * latest alone: a busy host (a starved encoder or decoder, a late receiver
 * report) makes one interval look bad now and then — measured in e2e under
 * full-suite load, healthy clients read a 15 % NACK share or a 650 ms round
 * trip for one interval — while a link that cannot carry the call reads bad
 * in interval after interval. A reading must hold for most of the window to
 * move the score.
 */
import { type NetworkQuality, networkQuality } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';
import type { ConnectionStats, LinkReading } from '../media/media-backend.ts';

export type ViewedConnection = 'publisher' | 'subscriber';

/** The middle value, the better one of the two middles for an even count (a bad reading needs company); undefined for none. */
function median(values: readonly number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The medians of one direction's readings over the window; undefined when no reading of it. */
function typical(readings: readonly (LinkReading | undefined)[]): { lossPercent: number; jitterMs: number } | undefined {
  const present = readings.filter((r): r is LinkReading => r !== undefined);
  if (present.length === 0) return undefined;
  return { lossPercent: median(present.map((r) => r.lossPercent)) ?? 0, jitterMs: median(present.map((r) => r.jitterMs)) ?? 0 };
}

export class MediaView {
  readonly #readings: Record<ViewedConnection, ConnectionStats[]> = { publisher: [], subscriber: [] };

  constructor(
    /** How many of each connection's latest readings the score is the median of. */
    private readonly window: number = DEFAULTS.quality.serverViewReadings,
  ) {}

  /** The server's latest stats of their camera publisher or their subscriber connection. */
  add(connection: ViewedConnection, stats: ConnectionStats): void {
    const readings = this.#readings[connection];
    readings.push(stats);
    if (readings.length > this.window) readings.shift();
  }

  /** Their score from the server's view; undefined when no media moved either way over the window (no view, which is not "lost"). */
  quality(): NetworkQuality | undefined {
    const up = typical(this.#readings.publisher.map((s) => s.received));
    const down = typical(this.#readings.subscriber.map((s) => s.sent));
    if (!up && !down) return undefined;
    const rtts = Object.values(this.#readings)
      .map((readings) => median(readings.map((s) => s.rttMs).filter((r): r is number => r !== null)))
      .filter((r): r is number => r !== undefined);
    return networkQuality({
      flowing: true,
      lossPercent: Math.max(up?.lossPercent ?? 0, down?.lossPercent ?? 0),
      jitterMs: Math.max(up?.jitterMs ?? 0, down?.jitterMs ?? 0),
      rttMs: rtts.length > 0 ? Math.max(...rtts) : null,
    });
  }
}
