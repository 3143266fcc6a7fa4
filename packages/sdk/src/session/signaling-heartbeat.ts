/**
 * Finds a dead signaling socket from the client's side. After an outage or a
 * lost NAT mapping the TCP connection is half-open: the browser still calls
 * it open while nothing gets through, and only TCP's backed-off retries
 * would end it, minutes later. Browsers cannot send or see WebSocket ping
 * frames, so the heartbeat uses the protocol's `ping` request: at each beat,
 * if nothing was heard since the last one, a ping goes out; once
 * `missedBeats` pings in a row went unanswered (nothing at all heard, no
 * answer, no event), the socket counts as dead. A socket that carries
 * frames is never pinged. Pings answered between beats keep it alive even
 * where a background tab's timers are slowed.
 *
 * A beat that runs late says this page was busy (a loaded machine, a
 * throttled tab): the server's answers may be waiting behind it in the
 * page's queue, so a late beat does not condemn the socket, unless the
 * silence has lasted twice as long as it takes to condemn one.
 */

export interface SignalingHeartbeatTimings {
  /** How often the socket's silence is checked, in ms. */
  readonly intervalMs: number;
  /** Pings in a row without anything heard before the socket counts as dead. */
  readonly missedBeats: number;
}

export interface SignalingHeartbeatSteps {
  /** Sends one ping (its answer, like every frame, comes back through `heard`). */
  ping(): void;
  /** Nothing was heard for `missedBeats` pings: the socket is dead. */
  dead(silentMs: number): void;
  now?: () => number;
}

export class SignalingHeartbeat {
  readonly #steps: SignalingHeartbeatSteps;
  readonly #timings: SignalingHeartbeatTimings;
  readonly #now: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the next beat should run. */
  #dueAt = 0;
  #heardAt: number;
  #heardSinceBeat = true;
  #unanswered = 0;

  constructor(steps: SignalingHeartbeatSteps, timings: SignalingHeartbeatTimings) {
    this.#steps = steps;
    this.#timings = timings;
    this.#now = steps.now ?? Date.now;
    this.#heardAt = this.#now();
    this.#schedule();
  }

  /** A frame arrived: the socket is alive. */
  heard(): void {
    this.#heardAt = this.#now();
    this.#heardSinceBeat = true;
    this.#unanswered = 0;
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    this.#dueAt = this.#now() + this.#timings.intervalMs;
    this.#timer = setTimeout(() => this.#beat(), this.#timings.intervalMs);
  }

  #beat(): void {
    const { intervalMs, missedBeats } = this.#timings;
    const now = this.#now();
    const late = now - this.#dueAt > intervalMs / 2;
    this.#schedule();
    if (this.#heardSinceBeat) {
      this.#heardSinceBeat = false;
      return;
    }
    if (this.#unanswered < missedBeats) {
      this.#unanswered++;
      this.#steps.ping();
    } else if (!late || now - this.#heardAt >= 2 * (missedBeats + 1) * intervalMs) {
      this.stop();
      this.#steps.dead(now - this.#heardAt);
    }
  }
}
