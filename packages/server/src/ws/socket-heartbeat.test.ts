import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SocketHeartbeat } from './socket-heartbeat.ts';

/** A socket as the heartbeat sees it: counts pings, records being terminated. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  pings = 0;
  terminated = false;
  ping(): void {
    this.pings++;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close');
  }
}

const watched = (heartbeat: SocketHeartbeat) => {
  const socket = new FakeSocket();
  heartbeat.watch(socket as never);
  return socket;
};

let heartbeat: SocketHeartbeat;
beforeEach(() => {
  vi.useFakeTimers();
  heartbeat = new SocketHeartbeat({ intervalMs: 1_000, missedBeats: 2 });
});
afterEach(() => {
  heartbeat.close();
  vi.useRealTimers();
});

describe('a client that answers', () => {
  it('is pinged while silent and kept as long as its pongs come', () => {
    const socket = watched(heartbeat);
    for (let beat = 0; beat < 10; beat++) {
      vi.advanceTimersByTime(1_000);
      socket.emit('pong');
    }
    expect(socket.pings).toBe(10);
    expect(socket.terminated).toBe(false);
  });

  it('is kept by its own frames too', () => {
    const socket = watched(heartbeat);
    for (let beat = 0; beat < 10; beat++) {
      socket.emit('message', Buffer.from('{}'));
      vi.advanceTimersByTime(1_000);
    }
    expect(socket.terminated).toBe(false);
  });
});

describe('a client that vanished', () => {
  it('is terminated after two silent beats, and the others stay', () => {
    const gone = watched(heartbeat);
    const alive = watched(heartbeat);
    const answer = () => alive.emit('pong');
    vi.advanceTimersByTime(2_000);
    answer();
    expect(gone.terminated).toBe(false);
    vi.advanceTimersByTime(1_000);
    answer();
    expect(gone.terminated).toBe(true);
    expect(gone.pings).toBe(2);
    expect(alive.terminated).toBe(false);
  });

  it('is terminated while its close handshake hangs, without pings', () => {
    const closing = watched(heartbeat);
    closing.readyState = 2; // CLOSING: our close frame got no answer
    vi.advanceTimersByTime(3_000);
    expect(closing.pings).toBe(0);
    expect(closing.terminated).toBe(true);
  });
});

describe('closing the heartbeat', () => {
  it('stops beating, and cuts a socket that arrives afterwards', () => {
    const socket = watched(heartbeat);
    heartbeat.close();
    vi.advanceTimersByTime(10_000);
    expect(socket.pings).toBe(0);
    expect(watched(heartbeat).terminated).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps no timer while no socket is watched', () => {
    watched(heartbeat).terminate();
    vi.advanceTimersByTime(1_000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
