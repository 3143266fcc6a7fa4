/**
 * Resuming after the signaling socket dropped: new sockets, one at a time,
 * each to send `resume` with the join's resume token, paced by the reconnect
 * policy, until one is taken, the server says there is nothing to resume, or
 * the policy gives up.
 *
 * One at a time, because browsers open one WebSocket to a server address at
 * a time (RFC 6455 §4.1; Chromium's WebSocketEndpointLockManager, Firefox's
 * admission manager): a second socket beside one still opening waits behind
 * it. And a socket opened while the link was down hangs on its lost SYN,
 * which TCP sends again only after 1 s, then 3 s. So an attempt may open for
 * as long as its turn in `patienceMs` allows (the long one lets a slow path
 * finish its handshake, the short ones find a link soon after it came back),
 * and is then closed for the next. Once an attempt was
 * refused before its time (the server's address answered: the server is
 * down or starting again, and one starting is slow to take sockets), every
 * later attempt gets `afterRefusalMs`. A network change the browser reports
 * (`networkChanged`) starts an attempt at once: a socket still opening was
 * opened on the old network.
 */
import { type JoinResult, ParleyError, StateMachine, type Transitions } from '@parley/protocol';
import { asParleyError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import type { ReconnectContext, ReconnectPolicy } from './reconnect-policy.ts';

/** What the attempts need of a signaling client (SignalingClient). */
export interface ResumeClient {
  connect(): Promise<void>;
  request(type: 'resume', params: { resumeToken: string }): Promise<JoinResult>;
  close(code?: number, reason?: string): void;
}

export interface ResumeSteps<C extends ResumeClient> {
  resumeToken: string;
  policy: ReconnectPolicy;
  /** Why the socket closed. */
  cause: ParleyError;
  /** A new, unconnected client whose `connect()` gives up after `connectTimeoutMs`; the session listens to it before it connects. */
  openClient(connectTimeoutMs: number): C;
  /** The client that opened, before it sends `resume` (the server may send on it at once). */
  use(client: C): void;
  /** False once the session stopped reconnecting (endSession meanwhile). */
  stillWanted(): boolean;
  /** How long each attempt may take to open, in turn (ms); the list starts again after its last. */
  patienceMs: readonly number[];
  /** How long each attempt may take to open once one was refused (ms). */
  afterRefusalMs: number;
  log: Logger;
}

/**
 * The resumed session's state; `'session-ended'` when the server answered that
 * there is nothing to resume; undefined when the policy gave up (the server
 * stayed unreachable) or the session is no longer wanted.
 */
export type ResumeOutcome = JoinResult | 'session-ended' | undefined;

type ResumeState = 'pausing' | 'opening' | 'resuming' | 'done';

const RESUME_TRANSITIONS: Transitions<ResumeState> = {
  // The policy's pause before the next attempt.
  pausing: ['opening', 'done'],
  // One socket opening; when it fails or runs out of patience the policy is asked. A network change replaces it.
  opening: ['pausing', 'opening', 'resuming', 'done'],
  // The socket opened and sent `resume`.
  resuming: ['pausing', 'done'],
  done: [],
};

export class ResumeAttempts<C extends ResumeClient> {
  /** Settles once, with the outcome. */
  readonly outcome: Promise<ResumeOutcome>;
  readonly #steps: ResumeSteps<C>;
  readonly #machine: StateMachine<ResumeState>;
  readonly #startedAt = Date.now();
  #settle!: (outcome: ResumeOutcome) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #opening: C | undefined;
  #attempts = 0;
  #refused = false;
  #reason: ParleyError;

  constructor(steps: ResumeSteps<C>) {
    this.#steps = steps;
    this.#reason = steps.cause;
    this.#machine = new StateMachine<ResumeState>('pausing', RESUME_TRANSITIONS, (from, to) => steps.log.debug(`resume: ${from} -> ${to}`));
    this.outcome = new Promise((resolve) => (this.#settle = resolve));
    this.#pause();
  }

  /** The browser reports a network change (`online`, `navigator.connection`): an attempt now, on the new network. */
  networkChanged(): void {
    if (!this.#machine.is('pausing') && !this.#machine.is('opening')) return;
    this.#steps.log.info('the network changed: a resume attempt now');
    this.#attempt();
  }

  /** Stops: the socket opening closed, the outcome undefined (unless it settled already). */
  cancel(): void {
    this.#finish(undefined);
  }

  /** Asks the policy for the pause before the next attempt; null, or an answer that is not a pause, gives up. */
  #pause(): void {
    const delay = nextDelay(this.#steps, { retryCount: this.#attempts, elapsedMs: Date.now() - this.#startedAt, retryReason: this.#reason });
    if (delay === null) {
      this.#finish(undefined);
      return;
    }
    this.#machine.to('pausing');
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#attempt(), delay);
  }

  #attempt(): void {
    clearTimeout(this.#timer);
    this.#closeOpening('replaced');
    if (!this.#steps.stillWanted()) {
      this.#finish(undefined);
      return;
    }
    const { patienceMs, afterRefusalMs } = this.#steps;
    const n = ++this.#attempts;
    const patience = this.#refused ? afterRefusalMs : patienceMs[(n - 1) % patienceMs.length]!;
    const openedAt = Date.now();
    const client = this.#steps.openClient(patience);
    this.#opening = client;
    this.#machine.to('opening');
    client.connect().then(
      () => void this.#opened(client),
      (error: unknown) => {
        if (this.#opening !== client) return; // replaced, or the attempts are over
        this.#closeOpening('resume failed');
        this.#refused ||= Date.now() - openedAt < patience;
        this.#steps.log.debug(`resume attempt ${n} did not open`, error);
        this.#retryAfter(asParleyError(error, 'NETWORK_ERROR'));
      },
    );
  }

  /** The attempt failed: the policy decides when the next one starts. */
  #retryAfter(reason: ParleyError): void {
    this.#reason = reason;
    this.#pause();
  }

  async #opened(client: C): Promise<void> {
    if (this.#opening !== client) return;
    this.#opening = undefined;
    if (!this.#steps.stillWanted()) {
      client.close(1000, 'resume no longer wanted');
      return this.#finish(undefined);
    }
    this.#machine.to('resuming');
    this.#steps.use(client);
    try {
      this.#finish(await client.request('resume', { resumeToken: this.#steps.resumeToken }));
    } catch (error) {
      this.#steps.log.debug(`resume after ${this.#attempts} attempts failed`, error);
      client.close(1000, 'resume failed');
      // Removed already (the grace period passed, or the session ended): no point trying again.
      if (error instanceof ParleyError && error.code === 'SESSION_ENDED') return this.#finish('session-ended');
      if (!this.#machine.is('done')) this.#retryAfter(asParleyError(error));
    }
  }

  #finish(outcome: ResumeOutcome): void {
    if (this.#machine.is('done')) return;
    clearTimeout(this.#timer);
    this.#closeOpening('resume over');
    this.#machine.to('done');
    this.#settle(outcome);
  }

  #closeOpening(reason: string): void {
    this.#opening?.close(1000, reason);
    this.#opening = undefined;
  }
}

/** The policy's answer; a policy that throws or answers something that is not a pause gives up. */
function nextDelay(steps: ResumeSteps<ResumeClient>, context: ReconnectContext): number | null {
  try {
    const delay = steps.policy.nextRetryDelayMs(context);
    if (delay === null || (Number.isFinite(delay) && delay >= 0)) return delay;
    steps.log.warn(`the reconnect policy answered ${String(delay)}, not a pause: giving up`);
  } catch (error) {
    steps.log.error('the reconnect policy threw: giving up', error);
  }
  return null;
}
