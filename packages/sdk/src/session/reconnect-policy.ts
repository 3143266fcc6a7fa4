/**
 * When to try resuming again after the signaling socket dropped, as a policy
 * (after LiveKit's ReconnectPolicy): one method is told how far we are and
 * answers the pause before the next attempt, or null to give up. The session
 * asks it before every attempt; apps may give their own
 * (`ParleyCalls.init({ reconnectPolicy })`).
 */
import { ParleyError } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';

export interface ReconnectContext {
  /** Attempts made so far: 0 before the first. */
  readonly retryCount: number;
  /** Time since the socket dropped, in ms. */
  readonly elapsedMs: number;
  /**
   * Why the last attempt made way: its error (NETWORK_ERROR when its socket did not open in its time,
   * session/resume.ts); before the first, why the socket closed.
   */
  readonly retryReason: ParleyError;
}

export interface ReconnectPolicy {
  /** The pause before the next attempt, in ms; null to give up (the session then ends: onError CONNECTION_CLOSED, onCallEnded 'server-unavailable'). */
  nextRetryDelayMs(context: ReconnectContext): number | null;
}

export interface BackoffOptions {
  /** The pause before each attempt, in ms; the last one repeats. */
  readonly delaysMs: readonly number[];
  /**
   * The longest pause after an attempt that did not reach the server (NETWORK_ERROR: no route, refused,
   * or not open in its time), in ms: it cost the server nothing, and a link back meanwhile is used at once.
   */
  readonly unreachableDelayMs: number;
  /** How much of each pause may be added or taken away at random, 0..1. */
  readonly jitter: number;
  /** No attempt starts this long (ms) after the socket dropped. */
  readonly giveUpAfterMs: number;
}

/**
 * Pauses from a list (short ones after an attempt that did not reach the server), each with jitter,
 * until a time limit: the default policy (numbers in defaults.ts).
 */
export class BackoffReconnectPolicy implements ReconnectPolicy {
  readonly #options: BackoffOptions;
  readonly #random: () => number;

  /** `random` is for tests: a number in [0, 1), like Math.random. */
  constructor(options: Partial<BackoffOptions> = {}, random: () => number = Math.random) {
    const o = { ...DEFAULTS.reconnect, ...options };
    if (o.delaysMs.length === 0 || !o.delaysMs.every((d) => Number.isFinite(d) && d >= 0)) {
      throw new ParleyError('VALIDATION_FAILED', 'BackoffReconnectPolicy expects delaysMs: a non-empty list of pauses of 0 ms or more');
    }
    if (!(o.jitter >= 0 && o.jitter <= 1)) throw new ParleyError('VALIDATION_FAILED', 'BackoffReconnectPolicy expects a jitter from 0 to 1');
    if (!(o.unreachableDelayMs >= 0)) throw new ParleyError('VALIDATION_FAILED', 'BackoffReconnectPolicy expects unreachableDelayMs of 0 or more');
    if (!(o.giveUpAfterMs >= 0)) throw new ParleyError('VALIDATION_FAILED', 'BackoffReconnectPolicy expects giveUpAfterMs of 0 or more');
    this.#options = o;
    this.#random = random;
  }

  nextRetryDelayMs({ retryCount, elapsedMs, retryReason }: ReconnectContext): number | null {
    const { delaysMs, unreachableDelayMs, jitter, giveUpAfterMs } = this.#options;
    const listed = delaysMs[Math.min(retryCount, delaysMs.length - 1)] ?? 0;
    const base = retryReason.code === 'NETWORK_ERROR' ? Math.min(listed, unreachableDelayMs) : listed;
    const delay = Math.round(base * (1 + jitter * (2 * this.#random() - 1)));
    return elapsedMs + delay < giveUpAfterMs ? delay : null;
  }
}
