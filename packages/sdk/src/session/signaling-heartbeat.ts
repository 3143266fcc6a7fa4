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
  readonly #timer: ReturnType<typeof setInterval>;
  #heardAt: number;
  #heardSinceBeat = true;
  #unanswered = 0;

  constructor(steps: SignalingHeartbeatSteps, timings: SignalingHeartbeatTimings) {
    this.#steps = steps;
    this.#timings = timings;
    this.#now = steps.now ?? Date.now;
    this.#heardAt = this.#now();
    this.#timer = setInterval(() => this.#beat(), timings.intervalMs);
  }

  /** A frame arrived: the socket is alive. */
  heard(): void {
    this.#heardAt = this.#now();
    this.#heardSinceBeat = true;
    this.#unanswered = 0;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #beat(): void {
    if (this.#heardSinceBeat) {
      this.#heardSinceBeat = false;
      return;
    }
    if (this.#unanswered >= this.#timings.missedBeats) {
      this.stop();
      this.#steps.dead(this.#now() - this.#heardAt);
      return;
    }
    this.#unanswered++;
    this.#steps.ping();
  }
}
