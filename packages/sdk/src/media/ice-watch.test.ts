/** A network change the browser reports reaches the session (its resume attempts) and each watched connection. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scoped } from '../util/logger.ts';
import { IceWatch } from './ice-watch.ts';
import type { PeerConnectionLike } from './media-handler.ts';

const connectedPc = {
  connectionState: 'connected',
  getStats: async () => new Map([['t', { type: 'transport', bytesReceived: 100 }]]),
} as unknown as PeerConnectionLike;

let page: EventTarget;
beforeEach(() => {
  vi.useFakeTimers();
  page = new EventTarget();
  vi.stubGlobal('window', page);
  vi.stubGlobal('addEventListener', page.addEventListener.bind(page));
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('the browser reports a network change', () => {
  it("tells the session at once and restarts each watched connection, until it is closed", async () => {
    const told: string[] = [];
    const watch = new IceWatch({
      reconnecting: (connection) => told.push(`reconnecting ${connection}`),
      reconnected: () => undefined,
      giveUp: () => undefined,
      checkSignaling: () => undefined,
      networkChanged: () => told.push('network changed'),
      expectsMedia: () => true,
      log: scoped('test'),
    });
    const restarts: string[] = [];
    watch.watch({ target: 'publisher', pc: connectedPc, restartIce: async () => void restarts.push('publisher') });

    page.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(told).toEqual(['network changed', 'reconnecting publisher']);
    expect(restarts).toEqual(['publisher']);

    watch.close();
    page.dispatchEvent(new Event('online'));
    expect(told).toHaveLength(2);
  });
});
