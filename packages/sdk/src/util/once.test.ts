import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Once } from './once.ts';

describe('waiting, a bounded time, for something that happens once', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const settledAfter = async (waiting: Promise<void>, ms: number) => {
    let done = false;
    void waiting.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(ms);
    return done;
  };

  it('ends when it happens', async () => {
    const once = new Once();
    const waiting = once.wait(150);
    expect(await settledAfter(waiting, 50)).toBe(false);
    once.happen();
    expect(await settledAfter(waiting, 0)).toBe(true);
  });

  it('ends after the longest wait when it does not happen', async () => {
    const waiting = new Once().wait(150);
    expect(await settledAfter(waiting, 149)).toBe(false);
    expect(await settledAfter(waiting, 1)).toBe(true);
  });

  it('does not wait when it happened already', async () => {
    const once = new Once();
    once.happen();
    once.happen();
    expect(await settledAfter(once.wait(150), 0)).toBe(true);
  });
});
