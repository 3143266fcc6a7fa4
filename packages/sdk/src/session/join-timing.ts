/**
 * The SDK's own measure of how long joining takes: from sending `join` to
 * the first remote video frame decoded (the first audio packet received, in
 * an audio-only call). Once remote media is announced and the subscriber
 * connection is connected (nothing can come before), its stats are polled
 * until it shows: reading them earlier took the page's time while its ICE
 * and DTLS ran (bench:join, audio-only: first audio packet 519 against 584 ms
 * p50 on a loaded machine, docs/benchmarks.md). The measure goes to the
 * server once (`metrics.joinTiming`, a histogram in its /metrics) and
 * never again for this session. Our devices and publisher wait for that moment too (session-start.ts).
 */
import type { PeerConnectionLike } from '../media/media-handler.ts';
import { DEFAULTS } from '../defaults.ts';
import { Once } from '../util/once.ts';

export type JoinTimingReport = (firstRemoteFrameMs: number) => Promise<unknown>;

export class JoinTiming {
  /** Our first remote frame (audio-only: packet) is in: our devices and publisher wait for it (session-start.ts). */
  readonly firstMedia = new Once();
  readonly #startedAt = performance.now();
  #timer: ReturnType<typeof setInterval> | undefined;
  #done = false;
  readonly #subscriber: () => PeerConnectionLike | undefined;
  readonly #audioOnly: boolean;
  readonly #report: JoinTimingReport;

  constructor(subscriber: () => PeerConnectionLike | undefined, audioOnly: boolean, report: JoinTimingReport) {
    this.#subscriber = subscriber;
    this.#audioOnly = audioOnly;
    this.#report = report;
  }

  /** Someone else's media was announced: watch for its first frame (once). */
  remoteMediaAnnounced(): void {
    if (this.#done || this.#timer) return;
    this.#timer = setInterval(() => void this.#check(), DEFAULTS.joinTiming.pollMs);
  }

  stop(): void {
    this.#done = true;
    clearInterval(this.#timer);
  }

  async #check(): Promise<void> {
    const elapsed = performance.now() - this.#startedAt;
    if (elapsed > DEFAULTS.joinTiming.giveUpAfterMs) return this.stop();
    const pc = this.#subscriber();
    if (pc?.connectionState !== 'connected') return;
    const stats = await pc.getStats().catch(() => undefined);
    if (!stats || this.#done || !hasFirstFrame(stats, this.#audioOnly)) return;
    this.firstMedia.happen();
    this.stop();
    // The server may predate the request; a measure lost is not worth a warning.
    await this.#report(Math.round(elapsed)).catch(() => undefined);
  }
}

function hasFirstFrame(stats: RTCStatsReport, audioOnly: boolean): boolean {
  for (const s of stats.values() as IterableIterator<{ type: string; kind?: string; framesDecoded?: number; packetsReceived?: number }>) {
    if (s.type !== 'inbound-rtp') continue;
    if (audioOnly ? s.kind === 'audio' && (s.packetsReceived ?? 0) > 0 : s.kind === 'video' && (s.framesDecoded ?? 0) > 0) return true;
  }
  return false;
}
