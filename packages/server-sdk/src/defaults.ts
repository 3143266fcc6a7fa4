/**
 * Every default of the server SDK, in one place, with units. Typed by the
 * options they fill, so an option without a default does not compile.
 */
import type { RetryOptions } from './http/retry-policy.ts';

export const DEFAULTS = {
  /**
   * How long one attempt may take: until the whole answer has arrived for JSON
   * routes, until the headers have for a recording download (the file itself
   * may take as long as it takes).
   */
  timeoutMs: 30_000, // ms
  retry: {
    /** Attempts in all, the first included. */
    maxAttempts: 3,
    /** The pause before the first retry; each next one doubles, with jitter. */
    baseDelayMs: 250, // ms
    /** No pause is longer; a `Retry-After` asking for longer ends the retries. */
    maxDelayMs: 10_000, // ms
  } satisfies RetryOptions,
  /** Items per page when `all()` walks a list. */
  pageSize: 100,
} as const;
