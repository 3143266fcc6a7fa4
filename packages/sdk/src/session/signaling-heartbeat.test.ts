import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SignalingHeartbeat } from './signaling-heartbeat.ts';

let pings = 0;
let deadAfter: number | undefined;
let heartbeat: SignalingHeartbeat;

beforeEach(() => {
  vi.useFakeTimers();
  pings = 0;
  deadAfter = undefined;
  heartbeat = new SignalingHeartbeat(
    {
      ping: () => pings++,
      dead: (silentMs) => (deadAfter = silentMs),
      now: () => Date.now(),
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
