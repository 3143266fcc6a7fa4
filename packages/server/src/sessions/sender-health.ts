/**
 * Which publishers of a session are in trouble on their own uplink, so that
 * the losses their receivers see are not read as the receivers' slow links.
 * When a sender's link goes out, the media server stops receiving from it; when
 * it returns (often on a new ICE path), every receiver is sent a jump of
 * sequence numbers, asks again for what is missing and gets slow-link reports,
 * and its adaptation used to step down to no video at all — five seconds of
 * paused video after the sender was back, for a fault that was not theirs.
 *
 * A feed counts as in trouble while the media server receives nothing of it
 * (none of its kinds: a camera turned off leaves the audio coming), for
 * `recoveryMs` after something arrives again, and for `recoveryMs` after the
 * server's stats showed its uplink losing at least `lossPercent`.
 */
import { DEFAULTS } from '../defaults.ts';
import type { TrackKind } from '../media/media-backend.ts';

export interface SenderHealthOptions {
  /** How long after its media returned, or after its last lossy reading, a feed still counts as in trouble (ms). */
  recoveryMs: number;
  /** Uplink loss (0–100) in the media server's stats that puts a feed in trouble. */
  lossPercent: number;
}

export class SenderHealth {
  /** Feed → until when it counts as in trouble (ms since the epoch). */
  readonly #until = new Map<number, number>();
  /** Feed → whether the media server receives each of its kinds now, as last reported. */
  readonly #flowing = new Map<number, Map<TrackKind, boolean>>();

  constructor(
    private readonly options: SenderHealthOptions = DEFAULTS.senderHealth,
    private readonly now: () => number = Date.now,
  ) {}

  /** The media server stopped (false) or started again (true) receiving the feed's `kind` of media. */
  receiving(feedId: number, kind: TrackKind, receiving: boolean): void {
    const kinds = this.#flowing.get(feedId) ?? new Map<TrackKind, boolean>();
    const wasOut = this.#out(kinds);
    kinds.set(kind, receiving);
    this.#flowing.set(feedId, kinds);
    if (wasOut && !this.#out(kinds)) this.#until.set(feedId, this.now() + this.options.recoveryMs);
  }

  /** The media server's latest reading of the feed's uplink loss. */
  uplinkLoss(feedId: number, lossPercent: number): void {
    if (lossPercent < this.options.lossPercent) return;
    this.#until.set(feedId, Math.max(this.#until.get(feedId) ?? 0, this.now() + this.options.recoveryMs));
  }

  inTrouble(feedId: number): boolean {
    const kinds = this.#flowing.get(feedId);
    return (kinds !== undefined && this.#out(kinds)) || (this.#until.get(feedId) ?? 0) > this.now();
  }

  /** The feed is gone (its publisher left or stopped). */
  forget(feedId: number): void {
    this.#until.delete(feedId);
    this.#flowing.delete(feedId);
  }

  /** Nothing of the feed arrives: every kind it was seen with has stopped. */
  #out(kinds: ReadonlyMap<TrackKind, boolean>): boolean {
    return kinds.size > 0 && [...kinds.values()].every((receiving) => !receiving);
  }
}
