/**
 * Signaling rate limits (the REST ones are http/rate-limits.ts): joins and
 * ringing initiations per user in a one-minute window, and a frame budget
 * per connection. Over a limit a request is answered RATE_LIMITED with
 * `details.retryAfterSeconds`; only a connection that stays far over its
 * frame budget is closed.
 */
import { rateLimited } from '../http/rate-limits.ts';
import type { RateLimits } from '../operations-config.ts';

const MINUTE = 60_000; // ms

/** At most `max` per key in each window; windows start at a key's first use. */
export class WindowLimit {
  readonly #windows = new Map<string, { count: number; endsAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs = MINUTE,
  ) {}

  /** Counts one for `key`, or throws RATE_LIMITED when its window is full. */
  take(key: string, now = Date.now()): void {
    this.#forgetEnded(now);
    const window = this.#windows.get(key) ?? { count: 0, endsAt: now + this.windowMs };
    if (window.count >= this.max) throw rateLimited(Math.max(1, Math.ceil((window.endsAt - now) / 1000)));
    window.count++;
    this.#windows.set(key, window);
  }

  /** Ended windows are dropped as time passes, so memory follows the users active in the last minute. */
  #forgetEnded(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.endsAt > now) break; // insertion order is start order, so the rest are newer
      this.#windows.delete(key);
    }
  }
}

/**
 * A token bucket per connection: `perSecond` frames a second, bursts up to
 * twice that (a join is followed by a burst of trickled candidates). A
 * connection refused `perSecond × 2` frames in a row, with no frame let
 * through between, is abusing it for good.
 */
export class FrameBudget {
  readonly #capacity: number;
  #tokens: number;
  #at: number;
  #refusedInARow = 0;

  constructor(
    private readonly perSecond: number,
    now = Date.now(),
  ) {
    this.#capacity = perSecond * 2;
    this.#tokens = this.#capacity;
    this.#at = now;
  }

  /** Takes one frame's token; false when there is none (answer RATE_LIMITED). */
  take(now = Date.now()): boolean {
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#refusedInARow = 0;
      return true;
    }
    this.#refusedInARow++;
    return false;
  }

  get abusive(): boolean {
    return this.#refusedInARow >= this.#capacity;
  }

  /** Seconds until the next frame is let through. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.perSecond));
  }
}

/** The limits one server's signaling shares between its connections. */
export class SignalingLimits {
  readonly joins: WindowLimit;
  readonly calls: WindowLimit;

  constructor(private readonly limits: RateLimits) {
    this.joins = new WindowLimit(limits.joinsPerMinute);
    this.calls = new WindowLimit(limits.callsPerMinute);
  }

  frameBudget(): FrameBudget {
    return new FrameBudget(this.limits.wsFramesPerSecond);
  }
}
