/**
 * A join's writes wait out a short window and run together after it; a leave
 * closes the window and runs at once, after them.
 */
import { describe, expect, it, vi } from 'vitest';
import { CoalescingQueue } from './coalescing-queue.ts';

describe('a coalescing queue', () => {
  it('runs the steps asked within a window together when it closes, in order', async () => {
    vi.useFakeTimers();
    try {
      const queue = new CoalescingQueue<object>(300);
      const session = {};
      const ran: string[] = [];
      const written = [queue.later(session, () => ran.push('stay')), queue.later(session, () => ran.push('live state'))];
      await vi.advanceTimersByTimeAsync(100);
      written.push(queue.later(session, () => ran.push('publication')));
      await vi.advanceTimersByTimeAsync(150);
      expect(ran).toEqual([]);
      await vi.advanceTimersByTimeAsync(50);
      await Promise.all(written);
      expect(ran).toEqual(['stay', 'live state', 'publication']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs a step asked now at once, after the window it closes', async () => {
    vi.useFakeTimers();
    try {
      const queue = new CoalescingQueue<object>(300);
      const session = {};
      const ran: string[] = [];
      const joined = queue.later(session, () => ran.push('join'));
      await queue.now(session, () => ran.push('leave'));
      await joined;
      expect(ran).toEqual(['join', 'leave']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps other keys waiting when one window closes, and flushAll closes them all', async () => {
    vi.useFakeTimers();
    try {
      const queue = new CoalescingQueue<object>(300);
      const [a, b] = [{}, {}];
      const ran: string[] = [];
      const bWritten = queue.later(b, () => ran.push('b joined'));
      await queue.now(a, () => ran.push('a left'));
      expect(ran).toEqual(['a left']);
      queue.flushAll();
      await bWritten;
      expect(ran).toEqual(['a left', 'b joined']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('with no window, runs every step at once', async () => {
    const queue = new CoalescingQueue<object>(0);
    expect(await queue.later({}, () => 'written')).toBe('written');
  });
});
