/** When a peer connection loses its network path, ICE is restarted through the server until media flows again. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scoped } from '../util/logger.ts';
import { IceRestarter, type IceRestartTimings } from './ice-restart.ts';
import type { PeerConnectionLike } from './media-handler.ts';

const TIMINGS: IceRestartTimings = { disconnectedMs: 2_000, silentMs: 3_000, pollMs: 250, delaysMs: [1_000], attemptTimeoutMs: 3_000, giveUpAfterMs: 10_000 };

/** A browser connection whose state and received byte count the test sets. */
function fakePc(): PeerConnectionLike & { bytes: number; connectionState: RTCPeerConnectionState } {
  const pc = {
    connectionState: 'connected' as RTCPeerConnectionState,
    bytes: 0,
    async getStats() {
      return new Map([['t', { type: 'transport', bytesReceived: pc.bytes }]]) as unknown as RTCStatsReport;
    },
  };
  return pc as unknown as PeerConnectionLike & { bytes: number; connectionState: RTCPeerConnectionState };
}

function watch(target: 'publisher' | 'subscriber', pc: PeerConnectionLike) {
  const seen: string[] = [];
  const restart = vi.fn(async () => {
    seen.push('restart');
  });
  const restarter = new IceRestarter(
    {
      target,
      pc,
      restart,
      reconnecting: () => seen.push('reconnecting'),
      reconnected: () => seen.push('reconnected'),
      giveUp: () => seen.push('giveUp'),
      log: scoped('test'),
    },
    TIMINGS,
  );
  return { seen, restart, restarter };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('a publisher connection that goes disconnected', () => {
  it('is left alone for a moment, then restarted, and reported back once connected', async () => {
    const pc = fakePc();
    const { seen, restarter } = watch('publisher', pc);
    pc.connectionState = 'disconnected';
    await vi.advanceTimersByTimeAsync(1_500);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen).toEqual(['reconnecting', 'restart']);
    pc.connectionState = 'connected';
    pc.bytes += 500; // Janus's RTCP feedback on our media
    await vi.advanceTimersByTimeAsync(500);
    expect(seen).toEqual(['reconnecting', 'restart', 'reconnected']);
    restarter.close();
  });

  it('failed: restarts at once, again after each pause while it stays lost, and gives up after the window', async () => {
    const pc = fakePc();
    const { seen, restart, restarter } = watch('publisher', pc);
    pc.connectionState = 'failed';
    await vi.advanceTimersByTimeAsync(300);
    expect(seen).toEqual(['reconnecting', 'restart']);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(restart.mock.calls.length).toBeGreaterThanOrEqual(3);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(seen).not.toContain('giveUp');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen.filter((s) => s === 'giveUp')).toHaveLength(1);
    expect(seen).not.toContain('reconnected');
    restarter.close();
  });
});

describe('a subscriber connection that says connected but receives nothing', () => {
  it('is restarted after the silence, and counts as back only when bytes arrive again', async () => {
    const pc = fakePc();
    const { seen, restarter } = watch('subscriber', pc);
    for (let i = 0; i < 8; i++) {
      pc.bytes += 1_000;
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_300); // nothing arrives, still "connected"
    expect(seen).toEqual(['reconnecting', 'restart']);
    await vi.advanceTimersByTimeAsync(500);
    expect(seen).not.toContain('reconnected');
    pc.bytes += 500;
    await vi.advanceTimersByTimeAsync(300);
    expect(seen.at(-1)).toBe('reconnected');
    restarter.close();
  });
});

describe('a network change the browser reports', () => {
  it('restarts at once, even on a connection that still looks connected', async () => {
    const pc = fakePc();
    const { seen, restarter } = watch('publisher', pc);
    restarter.networkChanged('online');
    await vi.advanceTimersByTimeAsync(10);
    expect(seen.slice(0, 2)).toEqual(['reconnecting', 'restart']);
    pc.bytes += 500;
    await vi.advanceTimersByTimeAsync(300);
    expect(seen.at(-1)).toBe('reconnected');
    restarter.close();
  });
});

describe('a publisher that looks connected again while the server cannot be reached', () => {
  function failingWhileSignalingDown(pc: ReturnType<typeof fakePc>) {
    const watched = watch('publisher', pc);
    const signaling = { up: false };
    watched.restart.mockImplementation(async () => {
      if (!signaling.up) throw new Error('Cannot send ice.restart: the connection is closed');
      watched.seen.push('restart');
    });
    return { ...watched, signaling };
  }

  it('after an address change: not back while Janus is silent, back once a restart went through and its feedback arrives', async () => {
    const pc = fakePc();
    const { seen, restarter, signaling } = failingWhileSignalingDown(pc);
    restarter.networkChanged('connection change'); // the socket is dead too
    await vi.advanceTimersByTimeAsync(3_000);
    expect(seen).toEqual(['reconnecting']); // Chromium says connected (the old pair), but nothing comes from Janus
    signaling.up = true;
    restarter.networkChanged('signaling resumed');
    await vi.advanceTimersByTimeAsync(10);
    pc.bytes += 500;
    await vi.advanceTimersByTimeAsync(300);
    expect(seen).toEqual(['reconnecting', 'restart', 'reconnected']);
    restarter.close();
  });

  it('after an outage that kept its address: back as soon as Janus is heard again, without waiting for the server', async () => {
    const pc = fakePc();
    const { seen, restarter } = failingWhileSignalingDown(pc);
    pc.connectionState = 'disconnected';
    await vi.advanceTimersByTimeAsync(2_500);
    expect(seen).toEqual(['reconnecting']);
    pc.connectionState = 'connected';
    pc.bytes += 500; // the link is back: Janus's feedback arrives on the old pair
    await vi.advanceTimersByTimeAsync(300);
    expect(seen).toEqual(['reconnecting', 'reconnected']);
    restarter.close();
  });
  it('back as soon as Janus is heard again, even while an attempt sent on the dead socket still waits for its answer', async () => {
    const pc = fakePc();
    const { seen, restart, restarter } = watch('publisher', pc);
    restart.mockImplementation(() => new Promise<void>(() => undefined)); // the request went out on a socket that died
    pc.connectionState = 'disconnected';
    await vi.advanceTimersByTimeAsync(2_500);
    expect(seen).toEqual(['reconnecting']);
    pc.connectionState = 'connected';
    pc.bytes += 500; // the link is back: Janus's feedback arrives, the attempt is still unanswered
    await vi.advanceTimersByTimeAsync(300);
    expect(seen).toEqual(['reconnecting', 'reconnected']);
    restarter.close();
  });
});

describe('a subscriber connection while everyone else is muted', () => {
  it('is not restarted for its silence, and only counts silence again from when someone unmuted', async () => {
    const pc = fakePc();
    let othersSend = true;
    const seen: string[] = [];
    const restarter = new IceRestarter(
      {
        target: 'subscriber',
        pc,
        restart: async () => void seen.push('restart'),
        reconnecting: () => seen.push('reconnecting'),
        reconnected: () => seen.push('reconnected'),
        giveUp: () => seen.push('giveUp'),
        expectsMedia: () => othersSend,
        log: scoped('test'),
      },
      TIMINGS,
    );
    pc.bytes = 1_000;
    await vi.advanceTimersByTimeAsync(500);
    othersSend = false; // everyone muted: Janus sends nothing more
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen).toEqual([]);
    othersSend = true; // someone unmutes: media is on its way
    await vi.advanceTimersByTimeAsync(2_500);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000); // and still nothing arrives: now the path is lost
    expect(seen.slice(0, 2)).toEqual(['reconnecting', 'restart']);
    restarter.close();
  });
});

describe('a publisher connection that says connected but hears nothing from Janus', () => {
  it("is restarted once Janus's feedback stopped for the silence window (an address change Chromium did not report)", async () => {
    const pc = fakePc();
    const { seen, restarter } = watch('publisher', pc);
    for (let i = 0; i < 8; i++) {
      pc.bytes += 100; // receiver reports and congestion feedback on our media
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_250);
    expect(seen.slice(0, 2)).toEqual(['reconnecting', 'restart']);
    restarter.close();
  });
});
