import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeWithin } from './bounded-close.ts';

/** A socket whose other end answers the close frame, or has vanished and never will. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  closedWith: number | undefined;
  terminated = false;
  constructor(private readonly answers: boolean) {
    super();
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 2;
    if (this.answers) setTimeout(() => this.#closed(), 10);
  }
  terminate(): void {
    this.terminated = true;
    this.#closed();
  }
  #closed(): void {
    this.readyState = 3;
    this.emit('close');
  }
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('closing every socket as the server stops', () => {
  it('ends as soon as every client answered the close frame', async () => {
    const sockets = [new FakeSocket(true), new FakeSocket(true)];
    const done = closeWithin(sockets as never, 1_000);
    await vi.advanceTimersByTimeAsync(10);
    await done;
    expect(sockets.map((s) => [s.closedWith, s.terminated])).toEqual([
      [1001, false],
      [1001, false],
    ]);
  });

  it('cuts a vanished client once the handshake bound is over, instead of waiting 30 s for it', async () => {
    const answering = new FakeSocket(true);
    const vanished = new FakeSocket(false);
    let finished = false;
    const done = closeWithin([answering, vanished] as never, 1_000).then(() => (finished = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(finished).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(vanished.terminated).toBe(true);
    expect(answering.terminated).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
