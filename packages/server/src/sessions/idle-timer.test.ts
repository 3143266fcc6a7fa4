import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleWatch, idleSchedule } from './idle-timer.ts';

interface P {
  uid: string;
}

function watch() {
  const log: string[] = [];
  const idle = new IdleWatch<P>({
    warn: (p, secondsLeft) => log.push(`warn ${p.uid} ${secondsLeft}`),
    timeout: (p) => log.push(`timeout ${p.uid}`),
  });
  return { idle, log };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('when the warning comes', () => {
  it('is 60 s before the end, or at once for a period of a minute or less', () => {
    expect(idleSchedule(180_000)).toEqual({ warnAfterMs: 120_000, secondsLeft: 60 });
    expect(idleSchedule(60_000)).toEqual({ warnAfterMs: 0, secondsLeft: 60 });
    expect(idleSchedule(5_000)).toEqual({ warnAfterMs: 0, secondsLeft: 5 });
  });
});

describe('a participant alone in the session', () => {
  it('is warned 60 s before their period ends, then timed out', () => {
    const { idle, log } = watch();
    const alice = { uid: 'alice' };
    idle.add(alice, undefined); // the default, 180 s
    idle.update();
    vi.advanceTimersByTime(119_999);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['warn alice 60']);
    vi.advanceTimersByTime(59_999);
    expect(log).toEqual(['warn alice 60']);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['warn alice 60', 'timeout alice']);
  });

  it('with a short period is warned at once and timed out when it ends', () => {
    const { idle, log } = watch();
    const alice = { uid: 'alice' };
    idle.add(alice, 5);
    idle.update();
    vi.advanceTimersByTime(0);
    expect(log).toEqual(['warn alice 5']);
    vi.advanceTimersByTime(5_000);
    expect(log).toEqual(['warn alice 5', 'timeout alice']);
  });

  it('who stays counts the whole period again', () => {
    const { idle, log } = watch();
    const alice = { uid: 'alice' };
    idle.add(alice, 90);
    idle.update();
    vi.advanceTimersByTime(80_000);
    expect(log).toEqual(['warn alice 60']);
    expect(idle.stay(alice)).toBe(true);
    vi.advanceTimersByTime(29_999);
    expect(log).toEqual(['warn alice 60']);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['warn alice 60', 'warn alice 60']);
    vi.advanceTimersByTime(60_000);
    expect(log).toEqual(['warn alice 60', 'warn alice 60', 'timeout alice']);
  });
});

describe('someone joining', () => {
  it('stops the countdown; a leave that leaves one alone starts theirs from the beginning', () => {
    const { idle, log } = watch();
    const alice = { uid: 'alice' };
    const bob = { uid: 'bob' };
    idle.add(alice, 10);
    idle.update();
    vi.advanceTimersByTime(8_000);
    idle.add(bob, 20);
    idle.update();
    expect(idle.isCounting(alice)).toBe(false);
    expect(idle.isCounting(bob)).toBe(false);
    expect(idle.stay(alice)).toBe(false); // not alone: nothing to restart
    vi.advanceTimersByTime(60_000);
    expect(log).toEqual(['warn alice 10']);

    idle.remove(alice);
    idle.update();
    expect(idle.isCounting(bob)).toBe(true);
    vi.advanceTimersByTime(19_999);
    expect(log).toEqual(['warn alice 10', 'warn bob 20']);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(['warn alice 10', 'warn bob 20', 'timeout bob']);
  });

  it('a second update while alone does not restart the countdown', () => {
    const { idle, log } = watch();
    const alice = { uid: 'alice' };
    idle.add(alice, 100);
    idle.update();
    vi.advanceTimersByTime(50_000);
    idle.update();
    vi.advanceTimersByTime(50_000);
    expect(log).toEqual(['warn alice 60', 'timeout alice']);
  });
});

describe('closing', () => {
  it('leaves no timer behind, and later updates start none', () => {
    const { idle, log } = watch();
    const alice = { uid: 'alice' };
    idle.add(alice, 5);
    idle.update();
    idle.close();
    idle.add(alice, 5);
    idle.update();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(log).toEqual([]);
    idle.close(); // idempotent
  });
});
