/**
 * Resuming after the signaling socket dropped: new sockets, each to send
 * `resume` with the join's resume token, paced by the reconnect policy, until
 * one is taken, the server says there is nothing to resume, or the policy
 * gives up.
 *
 * Attempts overlap. A socket opened while the link is down can hang on a lost
 * SYN until its connect timeout (TCP sends it again only after 1 s, then 3 s),
 * so a link back just after an attempt began would wait for it. An attempt
 * still opening after `overlapMs` therefore makes way for the next (the policy
 * is asked, the reason NETWORK_ERROR) without being closed: the first socket
 * to open sends `resume`, and the others are closed then. A network change
 * the browser reports (`networkChanged`) cuts a pause short.
 */
import { type JoinResult, ParleyError, StateMachine, type Transitions } from '@parley/protocol';
import { asParleyError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import type { ReconnectContext, ReconnectPolicy } from './reconnect-policy.ts';

/** What the race needs of a signaling client (SignalingClient). */
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
  /** A new, unconnected client; the session listens to it before it connects. */
  openClient(): C;
  /** The first client to open, before it sends `resume` (the server may send on it at once). */
  use(client: C): void;
  /** False once the session stopped reconnecting (endSession meanwhile). */
  stillWanted(): boolean;
  /** How long the newest attempt may be opening before the next starts beside it (ms). */
  overlapMs: number;
  log: Logger;
}

/**
 * The resumed session's state; `'session-ended'` when the server answered that
 * there is nothing to resume; undefined when the policy gave up (the server
 * stayed unreachable) or the session is no longer wanted.
 */
export type ResumeOutcome = JoinResult | 'session-ended' | undefined;

type RaceState = 'pausing' | 'opening' | 'resuming' | 'done';

const RACE_TRANSITIONS: Transitions<RaceState> = {
  // The policy's pause before the next attempt; earlier attempts may still open meanwhile.
  pausing: ['opening', 'resuming', 'done'],
  // The newest attempt is opening: when it fails, or is still opening after overlapMs, the policy is asked.
  opening: ['pausing', 'resuming', 'done'],
  // One socket opened and sent `resume`; every other attempt was closed.
  resuming: ['pausing', 'done'],
  done: [],
};

export class ResumeRace<C extends ResumeClient> {
  /** Settles once, with the outcome. */
  readonly outcome: Promise<ResumeOutcome>;
  readonly #steps: ResumeSteps<C>;
  readonly #machine: StateMachine<RaceState>;
  readonly #opening = new Set<C>();
  readonly #startedAt = Date.now();
  #settle!: (outcome: ResumeOutcome) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #newest: C | undefined;
  #attempts = 0;
  #reason: ParleyError;

  constructor(steps: ResumeSteps<C>) {
    this.#steps = steps;
    this.#reason = steps.cause;
    this.#machine = new StateMachine<RaceState>('pausing', RACE_TRANSITIONS, (from, to) => steps.log.debug(`resume: ${from} -> ${to}`));
    this.outcome = new Promise((resolve) => (this.#settle = resolve));
    this.#pause();
  }

  /** The browser reports a network change (`online`, `navigator.connection`): the next attempt starts now, not after the pause. */
  networkChanged(): void {
    if (!this.#machine.is('pausing')) return;
    this.#steps.log.info('the network changed: a resume attempt now');
    this.#attempt();
  }

  /** Stops: every attempt closed, the outcome undefined (unless it settled already). */
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
    this.#wait(delay, () => this.#attempt());
  }

  #attempt(): void {
    if (!this.#steps.stillWanted()) {
      this.#finish(undefined);
      return;
    }
    const n = ++this.#attempts;
    const client = this.#steps.openClient();
    this.#opening.add(client);
    this.#newest = client;
    this.#machine.to('opening');
    const { overlapMs } = this.#steps;
    this.#wait(overlapMs, () => this.#madeWay(new ParleyError('NETWORK_ERROR', `resume attempt ${n} still opening after ${overlapMs} ms`)));
    client.connect().then(
      () => void this.#opened(client),
      (error: unknown) => this.#failedToOpen(client, n, error),
    );
  }

  /** The newest attempt failed or stalled: the policy decides when the next one starts. */
  #madeWay(reason: ParleyError): void {
    this.#reason = reason;
    this.#pause();
  }

  #failedToOpen(client: C, n: number, error: unknown): void {
    if (!this.#opening.delete(client)) return; // closed by us: another won, or the race is over
    this.#steps.log.debug(`resume attempt ${n} did not open`, error);
    client.close(1000, 'resume failed');
    // An older attempt failing changes nothing: the newest one made way already.
    if (client === this.#newest && this.#machine.is('opening')) this.#madeWay(asParleyError(error, 'NETWORK_ERROR'));
  }

  async #opened(client: C): Promise<void> {
    if (!this.#opening.delete(client)) return;
    this.#closeOpening('another resume attempt opened first');
    if (!this.#steps.stillWanted()) {
      client.close(1000, 'resume no longer wanted');
      return this.#finish(undefined);
    }
    clearTimeout(this.#timer);
    this.#machine.to('resuming');
    this.#steps.use(client);
    try {
      this.#finish(await client.request('resume', { resumeToken: this.#steps.resumeToken }));
    } catch (error) {
      this.#steps.log.debug(`resume after ${this.#attempts} attempts failed`, error);
      client.close(1000, 'resume failed');
      // Removed already (the grace period passed, or the session ended): no point trying again.
      if (error instanceof ParleyError && error.code === 'SESSION_ENDED') return this.#finish('session-ended');
      if (!this.#machine.is('done')) this.#madeWay(asParleyError(error));
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
    for (const other of this.#opening) other.close(1000, reason);
    this.#opening.clear();
  }

  #wait(ms: number, then: () => void): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(then, ms);
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
