/** Runs async steps one at a time, in the order they were queued. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T> | T): Promise<T> {
    const result = this.#tail.then(step);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
