/**
 * The seed's idle timeout. A participant alone in a session for their period
 * (`setIdleTimeoutPeriod`, sent as `idleTimeoutSeconds` in `join`;
 * DEFAULTS.idleTimeoutSeconds without it) is timed out;
 * DEFAULTS.idleWarningLeadMs before that they are warned.
 * With a period of a minute or less the warning comes at once, counting down
 * the whole period. "Stay" (`session.stay`) starts the countdown again from the
 * full period; someone joining stops it, and a leave that leaves one person
 * alone starts theirs.
 */
import { DEFAULTS } from '../defaults.ts';

/** When the warning comes and what it says, for a period: warning at max(0, period − 60 s). */
export function idleSchedule(periodMs: number): { warnAfterMs: number; secondsLeft: number } {
  const warnAfterMs = Math.max(0, periodMs - DEFAULTS.idleWarningLeadMs);
  return { warnAfterMs, secondsLeft: Math.round((periodMs - warnAfterMs) / 1000) };
}

/** One participant's countdown: a warning, then the timeout. Start again to restart it. */
export class IdleTimer {
  #warn: NodeJS.Timeout | undefined;
  #end: NodeJS.Timeout | undefined;

  constructor(
    readonly periodMs: number,
    private readonly onWarning: (secondsLeft: number) => void,
    private readonly onTimeout: () => void,
  ) {}

  get running(): boolean {
    return this.#end !== undefined;
  }

  /** Starts the countdown from the full period (restarting one that runs). */
  start(): void {
    this.stop();
    const { warnAfterMs, secondsLeft } = idleSchedule(this.periodMs);
    this.#warn = setTimeout(() => {
      this.#warn = undefined;
      this.onWarning(secondsLeft);
    }, warnAfterMs);
    this.#end = setTimeout(() => {
      this.#end = undefined;
      clearTimeout(this.#warn);
      this.#warn = undefined;
      this.onTimeout();
    }, this.periodMs);
    this.#warn.unref?.();
    this.#end.unref?.();
  }

  stop(): void {
    clearTimeout(this.#warn);
    clearTimeout(this.#end);
    this.#warn = undefined;
    this.#end = undefined;
  }
}

export interface IdleWatchHooks<P> {
  /** Send the warning to `participant`: the session ends for them in `secondsLeft`. */
  warn(participant: P, secondsLeft: number): void;
  /** `participant` has been alone for their whole period. */
  timeout(participant: P): void;
}

/**
 * The idle timers of one session: one per participant, running only for the
 * one who is alone. Call `update` after every change of membership.
 */
export class IdleWatch<P extends object> {
  readonly #timers = new Map<P, IdleTimer>();
  #closed = false;

  constructor(private readonly hooks: IdleWatchHooks<P>) {}

  /** A participant joined with their period (seconds; undefined: the default). */
  add(participant: P, periodSeconds: number | undefined): void {
    if (this.#closed) return;
    this.#timers.get(participant)?.stop();
    const periodMs = (periodSeconds ?? DEFAULTS.idleTimeoutSeconds) * 1000;
    this.#timers.set(
      participant,
      new IdleTimer(
        periodMs,
        (secondsLeft) => this.hooks.warn(participant, secondsLeft),
        () => this.hooks.timeout(participant),
      ),
    );
  }

  /** The participant is gone: their timer stops. */
  remove(participant: P): void {
    this.#timers.get(participant)?.stop();
    this.#timers.delete(participant);
  }

  /** Membership changed: the one who is alone (if any) counts down, nobody else does. */
  update(): void {
    if (this.#closed) return;
    const alone = this.#timers.size === 1;
    for (const timer of this.#timers.values()) {
      if (!alone) timer.stop();
      else if (!timer.running) timer.start();
    }
  }

  /** "Stay": restarts the countdown of a participant who is alone. False when they are not alone. */
  stay(participant: P): boolean {
    const timer = this.#timers.get(participant);
    if (!timer || !this.isAlone(participant)) return false;
    timer.start();
    return true;
  }

  isAlone(participant: P): boolean {
    return this.#timers.size === 1 && this.#timers.has(participant);
  }

  isCounting(participant: P): boolean {
    return this.#timers.get(participant)?.running ?? false;
  }

  /** Stops every timer; later calls do nothing. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) timer.stop();
    this.#timers.clear();
  }
}
