/**
 * A named-state machine: the allowed transitions are written once, in a table,
 * and `to()` is the one place state changes (checked, logged, reported).
 */
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

  to(next: S): void {
    if (!this.can(next)) throw new Error(`invalid transition ${this.#state} -> ${next}`);
    const from = this.#state;
    this.#state = next;
    this.onChange(from, next);
  }
}
