import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FirstAnswer } from './first-answer.ts';

describe('the publisher waiting for the first subscriber answer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const settledAfter = async (waiting: Promise<void>, ms: number) => {
    let done = false;
    void waiting.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(ms);
    return done;
  };

  it('goes once the answer is out', async () => {
    const first = new FirstAnswer();
    const waiting = first.wait(true, 150);
    expect(await settledAfter(waiting, 50)).toBe(false);
    first.sent();
    expect(await settledAfter(waiting, 0)).toBe(true);
  });

  it('goes after the longest wait when no offer comes (others in the call who publish nothing)', async () => {
    const waiting = new FirstAnswer().wait(true, 150);
    expect(await settledAfter(waiting, 149)).toBe(false);
    expect(await settledAfter(waiting, 1)).toBe(true);
  });

  it('does not wait when nobody else is in the call, or when the answer went out already', async () => {
    expect(await settledAfter(new FirstAnswer().wait(false, 150), 0)).toBe(true);
    const first = new FirstAnswer();
    first.sent();
    expect(await settledAfter(first.wait(true, 150), 0)).toBe(true);
  });
});
