/**
 * When to send a request again, as a policy (the shape of the browser SDK's
 * ReconnectPolicy): told how far we are and what the server said, it answers
 * the pause before the next attempt, or null to stop. The transport asks it
 * only for routes that are safe to repeat (routes.ts, `idempotent`), and only
 * after a 429, a 503 or a failed connection.
 */
import { ParleyError } from '@parley/protocol';

export interface RetryContext {
  /** Attempts made so far: 1 after the first. */
  readonly attempts: number;
  /** The HTTP status that failed the last attempt; undefined when the connection failed. */
  readonly status?: number;
  /** What the server's `Retry-After` asked for, in ms. */
  readonly retryAfterMs?: number;
}

export interface RetryPolicy {
  /** The pause before the next attempt, in ms; null to give up and report the last error. */
  nextRetryDelayMs(context: RetryContext): number | null;
}

export interface RetryOptions {
  /** Attempts in all, the first included (1 = never retry). */
  readonly maxAttempts: number;
  /** The pause before the first retry, in ms; each next one doubles. */
  readonly baseDelayMs: number;
  /** The longest pause, in ms. A `Retry-After` asking for longer ends the retries. */
  readonly maxDelayMs: number;
}

/**
 * Exponential back-off with "equal jitter": the n-th pause is base·2ⁿ⁻¹, of
 * which a random half is kept, so clients refused together do not come back in
 * step, and no pause is shorter than half its step. A `Retry-After` is a floor.
 */
export class BackoffRetryPolicy implements RetryPolicy {
  readonly #options: RetryOptions;
  readonly #random: () => number;

  /** `random` is for tests: a number in [0, 1), like Math.random. */
  constructor(options: RetryOptions, random: () => number = Math.random) {
    const { maxAttempts, baseDelayMs, maxDelayMs } = options;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new ParleyError('VALIDATION_FAILED', 'retry.maxAttempts must be a whole number of 1 or more');
    if (!(baseDelayMs >= 0) || !(maxDelayMs >= baseDelayMs)) {
      throw new ParleyError('VALIDATION_FAILED', 'retry.baseDelayMs must be 0 or more, and retry.maxDelayMs at least as long');
    }
    this.#options = options;
    this.#random = random;
  }

  nextRetryDelayMs({ attempts, retryAfterMs }: RetryContext): number | null {
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.#options;
    if (attempts >= maxAttempts) return null;
    if (retryAfterMs !== undefined && retryAfterMs > maxDelayMs) return null;
    const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1));
    const backoff = Math.round(step / 2 + (step / 2) * this.#random());
    return Math.max(backoff, retryAfterMs ?? 0);
  }
}

/** `Retry-After` in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
