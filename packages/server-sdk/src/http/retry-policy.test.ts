import { describe, expect, it } from 'vitest';
import { BackoffRetryPolicy, parseRetryAfter } from './retry-policy.ts';

const OPTIONS = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('back-off with jitter', () => {
  it('doubles each pause, keeping between half and all of it', () => {
    const low = new BackoffRetryPolicy(OPTIONS, () => 0);
    const high = new BackoffRetryPolicy(OPTIONS, () => 0.999_999);
    expect([1, 2, 3, 4].map((attempts) => low.nextRetryDelayMs({ attempts }))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((attempts) => high.nextRetryDelayMs({ attempts }))).toEqual([100, 200, 400, 800]);
  });

  it('never pauses longer than maxDelayMs', () => {
    const policy = new BackoffRetryPolicy({ ...OPTIONS, maxAttempts: 20 }, () => 0.999_999);
    expect(policy.nextRetryDelayMs({ attempts: 15 })).toBe(1_000);
  });

  it('stops after maxAttempts in all', () => {
    const policy = new BackoffRetryPolicy(OPTIONS);
    expect(policy.nextRetryDelayMs({ attempts: 4 })).not.toBeNull();
    expect(policy.nextRetryDelayMs({ attempts: 5 })).toBeNull();
  });

  it('waits at least what Retry-After asks, and gives up when that is over maxDelayMs', () => {
    const policy = new BackoffRetryPolicy(OPTIONS, () => 0);
    expect(policy.nextRetryDelayMs({ attempts: 1, status: 429, retryAfterMs: 700 })).toBe(700);
    expect(policy.nextRetryDelayMs({ attempts: 1, status: 429, retryAfterMs: 0 })).toBe(50);
    expect(policy.nextRetryDelayMs({ attempts: 1, status: 503, retryAfterMs: 1_001 })).toBeNull();
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and ignores the rest', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
