import { isParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { FrameBudget, WindowLimit } from './signaling-limits.ts';

function refusal(f: () => void): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('not refused');
}

describe('a per-user window', () => {
  it('lets `max` through in a minute, refuses the next with the seconds left, and opens again after', () => {
    const joins = new WindowLimit(2);
    joins.take('ann', 0);
    joins.take('ann', 1_000);
    const error = refusal(() => joins.take('ann', 15_000));
    expect(isParleyError(error, 'RATE_LIMITED')).toBe(true);
    expect((error as { details: unknown }).details).toEqual({ retryAfterSeconds: 45 });
    joins.take('bob', 15_000); // others are not affected
    joins.take('ann', 60_000);
  });
});

describe('a connection frame budget', () => {
  it('takes a burst of twice the rate, then the rate; a pause refills it', () => {
    const budget = new FrameBudget(10, 0);
    for (let i = 0; i < 20; i++) expect(budget.take(0)).toBe(true);
    expect(budget.take(0)).toBe(false);
    expect(budget.retryAfterSeconds).toBe(1);
    expect(budget.take(100)).toBe(true); // 0.1 s refills one frame
    expect(budget.take(100)).toBe(false);
    expect(budget.abusive).toBe(false);
  });

  it('is abused once twice the rate is refused in a row', () => {
    const budget = new FrameBudget(10, 0);
    for (let i = 0; i < 20; i++) budget.take(0);
    for (let i = 0; i < 19; i++) budget.take(0);
    expect(budget.abusive).toBe(false);
    budget.take(0);
    expect(budget.abusive).toBe(true);
  });
});
