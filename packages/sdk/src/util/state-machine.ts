/**
 * A named-state machine: the allowed transitions in one table, one `to()` that
 * checks the table, logs `old -> new` and reports the change.
 */
import { ParleyError } from '@parley/protocol';
import type { Logger } from './logger.ts';

export type TransitionTable<S extends string> = { readonly [K in S]: readonly S[] };

export class StateMachine<S extends string> {
  #state: S;

  constructor(
    initial: S,
    private readonly table: TransitionTable<S>,
    private readonly log: Logger,
    private readonly onChange: (to: S, from: S) => void,
  ) {
    this.#state = initial;
  }

  get state(): S {
    return this.#state;
  }

  is(...states: S[]): boolean {
    return states.includes(this.#state);
  }

  can(to: S): boolean {
    return this.table[this.#state].includes(to);
  }

  /** Moves to `to`; throws INVALID_STATE when the table does not allow it. */
  to(to: S): void {
    const from = this.#state;
    if (from === to) return;
    if (!this.can(to)) throw new ParleyError('INVALID_STATE', `Cannot go from ${from} to ${to}`);
    this.#state = to;
    this.log.debug(`${from} -> ${to}`);
    this.onChange(to, from);
  }
}
