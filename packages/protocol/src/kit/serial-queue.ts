/**
 * Runs async steps one at a time, in the order they were queued. A step that
 * fails rejects its own promise only; the queue goes on with the next.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(step, step);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every step queued so far has settled. */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
