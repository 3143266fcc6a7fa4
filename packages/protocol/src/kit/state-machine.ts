/**
 * The one named-state machine the server and the SDK share: the allowed
 * transitions are written once, in a table, and `to()` is the one place a
 * state changes (checked against the table, then reported as `from → to`).
 */
import { ParleyError } from '../errors.ts';

export type Transitions<S extends string> = { readonly [K in S]: readonly S[] };

export class StateMachine<S extends string> {
  #state: S;

  constructor(
    initial: S,
    private readonly table: Transitions<S>,
    private readonly onChange: (from: S, to: S) => void = () => {},
  ) {
    this.#state = initial;
  }

  get state(): S {
    return this.#state;
  }

  is(...states: S[]): boolean {
    return states.includes(this.#state);
  }

  can(next: S): boolean {
    return this.table[this.#state].includes(next);
  }

  /** Moves to `next` (staying put is a no-op); throws INVALID_STATE when the table does not allow it. */
  to(next: S): void {
    const from = this.#state;
    if (from === next) return;
    if (!this.can(next)) throw new ParleyError('INVALID_STATE', `Cannot go from ${from} to ${next}`);
    this.#state = next;
    this.onChange(from, next);
  }
}
