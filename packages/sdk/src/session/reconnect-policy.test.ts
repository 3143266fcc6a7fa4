import { ParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../defaults.ts';
import { BackoffReconnectPolicy, type ReconnectContext } from './reconnect-policy.ts';

const dropped = new ParleyError('CONNECTION_CLOSED', 'the socket closed');
const at = (retryCount: number, elapsedMs = 0): ReconnectContext => ({ retryCount, elapsedMs, retryReason: dropped });

describe('the default reconnect policy', () => {
  it('tries at once, then waits longer each time, the last pause repeating', () => {
    const middle = new BackoffReconnectPolicy({}, () => 0.5); // no jitter either way
    const delays = [0, 1, 2, 3, 4, 5, 9].map((n) => middle.nextRetryDelayMs(at(n)));
    expect(delays).toEqual([0, 250, 500, 1_000, 2_000, 2_000, 2_000]);
  });

  it('waits little after an attempt that did not reach the server: the link may be back any moment', () => {
    const middle = new BackoffReconnectPolicy({}, () => 0.5);
    const unreachable = new ParleyError('NETWORK_ERROR', 'resume attempt 6 still opening after 300 ms');
    const refused = new ParleyError('INTERNAL_ERROR', 'the server refused the resume');
    expect(middle.nextRetryDelayMs({ retryCount: 6, elapsedMs: 0, retryReason: unreachable })).toBe(DEFAULTS.reconnect.unreachableDelayMs);
    expect(middle.nextRetryDelayMs({ retryCount: 0, elapsedMs: 0, retryReason: unreachable })).toBe(0);
    // An answer from the server backs off as listed: many clients returning at once must not pound it.
    expect(middle.nextRetryDelayMs({ retryCount: 6, elapsedMs: 0, retryReason: refused })).toBe(2_000);
  });

  it('keeps each jittered pause within jitter of its base, and spreads them', () => {
    const policy = new BackoffReconnectPolicy({ delaysMs: [1_000], jitter: 0.3 });
    const samples = Array.from({ length: 500 }, () => policy.nextRetryDelayMs(at(3)) as number);
    for (const d of samples) {
      expect(d).toBeGreaterThanOrEqual(700);
      expect(d).toBeLessThanOrEqual(1_300);
    }
    // Clients cut off together must not all come back at the same moment.
    expect(new Set(samples).size).toBeGreaterThan(50);
    expect(new BackoffReconnectPolicy({ delaysMs: [1_000], jitter: 0.3 }, () => 0).nextRetryDelayMs(at(0))).toBe(700);
    expect(new BackoffReconnectPolicy({ delaysMs: [1_000], jitter: 0.3 }, () => 0.999_999).nextRetryDelayMs(at(0))).toBe(1_300);
  });

  it('gives up (null) when the next attempt would start after the time limit', () => {
    const policy = new BackoffReconnectPolicy({}, () => 0.5);
    const limit = DEFAULTS.reconnect.giveUpAfterMs;
    expect(policy.nextRetryDelayMs(at(6, limit - 2_001))).toBe(2_000);
    expect(policy.nextRetryDelayMs(at(6, limit - 2_000))).toBeNull();
    expect(policy.nextRetryDelayMs(at(0, limit))).toBeNull();
    expect(new BackoffReconnectPolicy({ giveUpAfterMs: 0 }).nextRetryDelayMs(at(0))).toBeNull();
  });

  it('refuses options that are not pauses', () => {
    const code = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        return (error as ParleyError).code;
      }
      return 'accepted';
    };
    expect(code(() => new BackoffReconnectPolicy({ delaysMs: [] }))).toBe('VALIDATION_FAILED');
    expect(code(() => new BackoffReconnectPolicy({ delaysMs: [100, -1] }))).toBe('VALIDATION_FAILED');
    expect(code(() => new BackoffReconnectPolicy({ jitter: 1.5 }))).toBe('VALIDATION_FAILED');
    expect(code(() => new BackoffReconnectPolicy({ giveUpAfterMs: Number.NaN }))).toBe('VALIDATION_FAILED');
    expect(code(() => new BackoffReconnectPolicy({ unreachableDelayMs: -1 }))).toBe('VALIDATION_FAILED');
    expect(code(() => new BackoffReconnectPolicy({ jitter: 0 }))).toBe('accepted');
  });
});
