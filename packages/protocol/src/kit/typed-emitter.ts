/**
 * The one typed event emitter the server and the SDK share. The event map is
 * written once, as argument tuples: `{ hangup: [reason: string] }`.
 *
 * Why not node:events or EventTarget: their listeners are untyped, and one
 * throwing listener would throw into whoever emitted (a WebSocket message
 * handler, a peer connection callback) and break everything after it. Here a
 * throwing or rejecting listener is reported and the others still run.
 */

/** An event map: event name → the arguments its listeners get. */
export type EventMap<T> = { [K in keyof T]: unknown[] };

/** A map of listener signatures (a delegate's shape) as an event map of argument tuples. */
export type ArgsOf<T> = { [K in keyof T]-?: T[K] extends ((...args: infer A) => unknown) | undefined ? A : never };

/** Where a listener's error goes; the default writes it to the console. */
export type ListenerErrorReporter = (event: string, error: unknown) => void;

const reportToConsole: ListenerErrorReporter = (event, error) => console.error(`listener for "${event}" failed`, error);

// biome-ignore lint/suspicious/noExplicitAny: each list is typed through the event map at the API surface
type AnyListener = (...args: any[]) => unknown;

export class TypedEmitter<E extends EventMap<E>> {
  readonly #listeners = new Map<keyof E, AnyListener[]>();
  readonly #report: ListenerErrorReporter;

  constructor(report: ListenerErrorReporter = reportToConsole) {
    this.#report = report;
  }

  /** Adds a listener; returns a function that removes it again. */
  on<K extends keyof E>(event: K, listener: (...args: E[K]) => unknown): () => void {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener);
    this.#listeners.set(event, list);
    return () => this.off(event, listener);
  }

  once<K extends keyof E>(event: K, listener: (...args: E[K]) => unknown): () => void {
    const off = this.on(event, (...args: E[K]) => {
      off();
      return listener(...args);
    });
    return off;
  }

  off<K extends keyof E>(event: K, listener: (...args: E[K]) => unknown): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#listeners.delete(event);
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  removeAllListeners(event?: keyof E): void {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
  }

  /** Calls every listener in the order they were added; returns whether there was any. Never throws. */
  emit<K extends keyof E>(event: K, ...args: E[K]): boolean {
    const list = this.#listeners.get(event);
    if (!list || list.length === 0) return false;
    // A copy: a listener may remove itself (once) while we go through the list.
    for (const listener of [...list]) {
      try {
        const result = listener(...args);
        if (result instanceof Promise) result.catch((error: unknown) => this.#report(String(event), error));
      } catch (error) {
        this.#report(String(event), error);
      }
    }
    return true;
  }
}
