import { SerialQueue } from '@parley/protocol';

/** One SerialQueue per key (a participant, a session), made on first use and dropped with the key. */
export class QueuePerKey<K extends object> {
  readonly #queues = new WeakMap<K, SerialQueue>();

  run<T>(key: K, step: () => Promise<T> | T): Promise<T> {
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = new SerialQueue();
      this.#queues.set(key, queue);
    }
    return queue.run(step);
  }
}
