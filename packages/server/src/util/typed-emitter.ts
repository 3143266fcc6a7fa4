import { type Logger, noopLogger } from './logger.ts';

/**
 * A tiny event emitter whose event names and argument lists are checked by the
 * compiler. The map is written once, e.g. `{ hangup: [reason: string] }`.
 *
 * Why not node:events: its listeners are untyped, and one throwing listener
 * would throw into our WebSocket message handler and break every other
 * handle. Here a throwing (or rejecting) listener is logged and the rest run.
 */
// biome-ignore lint/suspicious/noExplicitAny: listener arrays are typed through EventMap at the API surface
type AnyListener = (...args: any[]) => unknown;

export type EventMap<T> = { [K in keyof T]: unknown[] };

export class TypedEmitter<E extends EventMap<E>> {
  readonly #listeners = new Map<keyof E, AnyListener[]>();
  protected emitterLog: Logger;

  constructor(log: Logger = noopLogger) {
    this.emitterLog = log;
  }

  /** Adds a listener; returns a function that removes it again. */
  on<K extends keyof E>(name: K, listener: (...args: E[K]) => unknown): () => void {
    const list = this.#listeners.get(name) ?? [];
    list.push(listener);
    this.#listeners.set(name, list);
    return () => this.off(name, listener);
  }

  once<K extends keyof E>(name: K, listener: (...args: E[K]) => unknown): () => void {
    const off = this.on(name, (...args: E[K]) => {
      off();
      return listener(...args);
    });
    return off;
  }

  off<K extends keyof E>(name: K, listener: (...args: E[K]) => unknown): void {
    const list = this.#listeners.get(name);
    if (!list) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#listeners.delete(name);
  }

  listenerCount(name: keyof E): number {
    return this.#listeners.get(name)?.length ?? 0;
  }

  removeAllListeners(name?: keyof E): void {
    if (name === undefined) this.#listeners.clear();
    else this.#listeners.delete(name);
  }

  /** Calls every listener; returns whether there was any. Never throws. */
  emit<K extends keyof E>(name: K, ...args: E[K]): boolean {
    const list = this.#listeners.get(name);
    if (!list || list.length === 0) return false;
    // Copy: a listener may remove itself (once) while we iterate.
    for (const listener of [...list]) {
      try {
        const result = listener(...args);
        if (result instanceof Promise) {
          result.catch((err: unknown) => this.#report(name, err));
        }
      } catch (err) {
        this.#report(name, err);
      }
    }
    return true;
  }

  #report(name: keyof E, err: unknown): void {
    this.emitterLog.error({ err, event: String(name) }, 'event listener failed');
  }
}
