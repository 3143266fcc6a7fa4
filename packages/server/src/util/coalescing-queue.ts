import { QueuePerKey } from './queue-per-key.ts';

/**
 * A queue per key (a session) whose `later` steps wait out a short window before they run, together.
 *
 * Why: the database writes a join causes run on Node's main thread (PGlite), and right after a join they
 * landed just as Janus answered the new subscriber and its offer, answer and candidates went through the
 * server: the event loop was busy for much of the 150 ms in which the newcomer's first frame is decided
 * (issue 10, docs/benchmarks.md, join section). Those a process killed right after may lose are deferred
 * (sessions/live-state-writer.ts: a newcomer's publications); the call log's stay and the webhook outbox
 * are read right after a join and stay immediate. The first `later` step of a key opens a window of `windowMs`; every `later` step of that key
 * within it runs when it closes, in the order asked. A `now` step (a leave, an end: awaited by the step
 * that caused it) closes the key's window first, so it waits for nothing but the writes before it.
 * `flushAll()` closes every window (a server that stops writes what it owes first).
 *
 * What a process killed inside a window loses: those writes; each user says why the restart path copes.
 */
export class CoalescingQueue<K extends object> {
  readonly #queues = new QueuePerKey<K>();
  readonly #windows = new Map<K, { close: () => void; closed: Promise<void> }>();

  /** `windowMs` 0: no window, every step runs at once (in order). */
  constructor(private readonly windowMs: number) {}

  /** Runs `step` when the key's window closes, after everything asked before it for the key. */
  later<T>(key: K, step: () => Promise<T> | T): Promise<T> {
    if (this.windowMs <= 0) return this.#queues.run(key, step);
    const { closed } = this.#windows.get(key) ?? this.#open(key);
    return this.#queues.run(key, async () => {
      await closed;
      return step();
    });
  }

  /** Runs `step` after everything asked before it for the key, without waiting for its window. */
  now<T>(key: K, step: () => Promise<T> | T): Promise<T> {
    this.#windows.get(key)?.close();
    return this.#queues.run(key, step);
  }

  flushAll(): void {
    for (const window of [...this.#windows.values()]) window.close();
  }

  #open(key: K): { close: () => void; closed: Promise<void> } {
    let resolve!: () => void;
    const closed = new Promise<void>((r) => {
      resolve = r;
    });
    const timer = setTimeout(() => window.close(), this.windowMs);
    const window = {
      closed,
      close: () => {
        clearTimeout(timer);
        if (this.#windows.get(key) === window) this.#windows.delete(key);
        resolve();
      },
    };
    this.#windows.set(key, window);
    return window;
  }
}
