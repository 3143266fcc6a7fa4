import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SignalingHeartbeat } from './signaling-heartbeat.ts';

let pings = 0;
let deadAfter: number | undefined;
let heartbeat: SignalingHeartbeat;
/** How far this page's clock is ahead of its timers: a busy page runs its timers late. */
let held = 0;

beforeEach(() => {
  vi.useFakeTimers();
  pings = 0;
  deadAfter = undefined;
  held = 0;
  heartbeat = new SignalingHeartbeat(
    {
      ping: () => pings++,
      dead: (silentMs) => (deadAfter = silentMs),
      now: () => Date.now() + held,
    },
    { intervalMs: 1_000, missedBeats: 2 },
  );
});
afterEach(() => {
  heartbeat.stop();
  vi.useRealTimers();
});

describe('a socket that carries frames', () => {
  it('is never pinged', () => {
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(500);
      heartbeat.heard();
    }
    expect(pings).toBe(0);
    expect(deadAfter).toBeUndefined();
  });
});

describe('a quiet socket whose server answers', () => {
  it('is pinged every other beat (an answer counts as heard) and stays alive', () => {
    let answered = 0;
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(1_000);
      if (pings > answered) {
        answered = pings;
        heartbeat.heard(); // the answer arrives before the next beat
      }
    }
    expect(pings).toBe(5);
    expect(deadAfter).toBeUndefined();
  });
});

describe('a half-open socket', () => {
  it('is dead once two pings in a row went unanswered: 3–4 s after the last frame', () => {
    vi.advanceTimersByTime(2_000);
    expect(pings).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(pings).toBe(2);
    expect(deadAfter).toBeUndefined();
    vi.advanceTimersByTime(1_000);
    expect(deadAfter).toBe(4_000);
    vi.advanceTimersByTime(10_000);
    expect(pings).toBe(2); // nothing more once dead
  });

  it('is forgiven when a frame comes in before the last ping runs out', () => {
    vi.advanceTimersByTime(3_000);
    heartbeat.heard();
    vi.advanceTimersByTime(2_000);
    expect(deadAfter).toBeUndefined();
  });
});

describe('a page too busy to run its beats on time', () => {
  it('does not condemn its socket on a late beat: the answers may wait behind it in the page', () => {
    vi.advanceTimersByTime(3_000); // two pings out, unanswered
    expect(pings).toBe(2);
    held = 800; // the page was held: the third beat runs 0.8 s late
    vi.advanceTimersByTime(1_000);
    expect(deadAfter).toBeUndefined();
    heartbeat.heard(); // the answer that waited in the page's queue
    vi.advanceTimersByTime(1_000);
    expect(deadAfter).toBeUndefined();
  });

  it('condemns it on an on-time beat after that', () => {
    vi.advanceTimersByTime(3_000);
    held = 800;
    vi.advanceTimersByTime(1_000);
    expect(deadAfter).toBeUndefined();
    vi.advanceTimersByTime(1_000); // on time again, still nothing heard
    expect(deadAfter).toBe(5_800);
  });

  it('condemns it, late beats or not, once the silence lasts twice the usual time (6 s)', () => {
    vi.advanceTimersByTime(3_000);
    for (let beat = 1; deadAfter === undefined && beat < 10; beat++) {
      held += 600; // every beat late
      vi.advanceTimersByTime(1_000);
    }
    expect(deadAfter).toBeGreaterThanOrEqual(6_000);
    expect(deadAfter).toBeLessThan(8_000);
  });
});
