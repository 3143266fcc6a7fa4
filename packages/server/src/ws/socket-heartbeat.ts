/**
 * Finds signaling sockets whose client vanished. A client behind a downed
 * link or a lost NAT mapping leaves its TCP connection half-open: nothing
 * says it closed, and without this it would stay "joined" until TCP gave up
 * (many minutes). Every `intervalMs` each socket that was silent since the
 * last beat is sent a WebSocket ping (browsers answer it by themselves); one
 * silent for `missedBeats` beats in a row is terminated, and its participant
 * goes into the ordinary reconnect grace (ClientConnection's close).
 * Any frame or pong counts as heard. One timer serves every socket.
 */
import type { WebSocket } from 'ws';

export interface HeartbeatTimings {
  /** How often silent sockets are pinged, in ms. */
  readonly intervalMs: number;
  /** Beats in a row without a frame or pong before a socket is terminated. */
  readonly missedBeats: number;
}

/** The part of `ws`'s WebSocket the heartbeat uses. */
export type HeartbeatSocket = Pick<WebSocket, 'readyState' | 'ping' | 'terminate' | 'on'>;

const OPEN = 1;

export class SocketHeartbeat {
  readonly #timings: HeartbeatTimings;
  /** Each watched socket's beats missed in a row; 0 when heard since the last beat. */
  readonly #missed = new Map<HeartbeatSocket, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(timings: HeartbeatTimings) {
    this.#timings = timings;
  }

  /** Watches `socket` until it closes; after `close()` (the server is stopping) it is cut at once. */
  watch(socket: HeartbeatSocket): void {
    if (this.#closed) {
      socket.terminate();
      return;
    }
    this.#missed.set(socket, 0);
    const heard = () => {
      if (this.#missed.has(socket)) this.#missed.set(socket, 0);
    };
    socket.on('message', heard);
    socket.on('pong', heard);
    socket.on('close', () => this.#missed.delete(socket));
    this.#timer ??= setInterval(() => this.#beat(), this.#timings.intervalMs);
  }

  /** Stops watching for good (the server is stopping and closes its sockets itself). */
  close(): void {
    this.#closed = true;
    this.#missed.clear();
    this.#stopBeating();
  }

  #stopBeating(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #beat(): void {
    for (const [socket, missed] of this.#missed) {
      if (missed >= this.#timings.missedBeats) {
        // No close handshake: the other end is gone, a close frame would wait for it in vain.
        this.#missed.delete(socket);
        socket.terminate();
        continue;
      }
      this.#missed.set(socket, missed + 1);
      // A closing socket is not pinged: it is terminated if its close handshake does not finish in time.
      if (socket.readyState === OPEN) socket.ping();
    }
    if (this.#missed.size === 0) this.#stopBeating(); // no idle timer while nobody is connected
  }
}
