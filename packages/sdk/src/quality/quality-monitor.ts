/**
 * The SDK's own view of its network: every `intervalMs` it reads getStats() of
 * each of the session's peer connections, builds the call-quality sample of
 * what happened since the last reading (stats-sample.ts), scores it
 * (network-quality.ts), reports the score, and sends the sample to the server
 * (`quality.sample`) for the call's quality timeline. A reading of a connection
 * made since (after a media restart) starts over from that one.
 */
import { MAX_SAMPLE_CONNECTIONS, type NetworkQuality, type PeerTarget, type QualitySample } from '@parley/protocol';
import type { PeerConnectionLike } from '../media/media-handler.ts';
import type { Logger } from '../util/logger.ts';
import { networkQuality, worstOf } from './network-quality.ts';
import { type ConnectionReading, connectionSample, linkMeasures, readConnection } from './stats-sample.ts';

export interface MonitoredConnection {
  readonly target: PeerTarget;
  readonly pc: PeerConnectionLike;
}

export interface QualityMonitorOptions {
  /** The session's connections now (new ones after a media restart). */
  connections(): MonitoredConnection[];
  /** Whether to measure now (joined; not while reconnecting). */
  active(): boolean;
  sessionId(): string;
  /** Our score of this interval; the session reports it when it changed. */
  measured(quality: NetworkQuality): void;
  send(sample: QualitySample): Promise<unknown>;
  intervalMs: number;
  log: Logger;
}

const MAX_INTERVAL_MS = 600_000; // the protocol's bound on a sample's interval

export class QualityMonitor {
  readonly #opts: QualityMonitorOptions;
  #readings = new Map<PeerConnectionLike, ConnectionReading>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #reading = false;

  constructor(opts: QualityMonitorOptions) {
    this.#opts = opts;
  }

  /** Takes the first readings now and samples every interval from then on; idempotent. */
  start(): void {
    if (this.#timer) return;
    void this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#opts.intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#readings.clear();
  }

  /** One reading of every connection, and a sample of what changed since the last (public for tests). */
  async tick(): Promise<void> {
    if (this.#reading || !this.#opts.active()) return;
    this.#reading = true;
    try {
      const sample = await this.#sample();
      if (!sample || !this.#opts.active()) return;
      this.#opts.measured(sample.quality);
      // Best effort: a sample lost (a socket resuming, an older server) is a gap in a chart.
      await this.#opts.send(sample).catch((error) => this.#opts.log.debug('quality sample not sent', error));
    } finally {
      this.#reading = false;
    }
  }

  async #sample(): Promise<QualitySample | undefined> {
    const readings = new Map<PeerConnectionLike, ConnectionReading>();
    await Promise.all(
      this.#opts.connections().map(async ({ target, pc }) => {
        const report = await pc.getStats().catch(() => undefined); // closed meanwhile
        if (report) readings.set(pc, readConnection(target, report));
      }),
    );
    const pairs = [...readings].flatMap(([pc, now]) => {
      const before = this.#readings.get(pc);
      return before ? [{ now, before }] : [];
    });
    this.#readings = readings;
    if (pairs.length === 0) return undefined;
    const connections = pairs.map(({ now, before }) => connectionSample(now, before)).slice(0, MAX_SAMPLE_CONNECTIONS);
    const flowing = connections.some((c) => c.bitrateInKbps > 0 || c.bitrateOutKbps > 0);
    const quality = networkQuality(worstOf(pairs.map(({ now, before }) => linkMeasures(now, before)), flowing));
    const intervalMs = Math.min(MAX_INTERVAL_MS, Math.round(Math.max(...pairs.map(({ now, before }) => now.atMs - before.atMs))));
    return { sessionId: this.#opts.sessionId(), quality, intervalMs: Math.max(0, intervalMs), connections };
  }
}
