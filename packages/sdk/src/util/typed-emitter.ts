/**
 * A small typed event emitter. The event map is written once (event name →
 * listener signature) and shared by emitters and listeners. `emit` survives a
 * throwing listener: the error is logged and the other listeners still run.
 */
import { getLogger } from './logger.ts';

// biome-ignore lint/suspicious/noExplicitAny: listener signatures vary per event
export type EventMap = { [event: string]: (...args: any[]) => void };

export class TypedEmitter<Events extends EventMap> {
  #listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  on<E extends keyof Events>(event: E, listener: Events[E]): this {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return this;
  }

  once<E extends keyof Events>(event: E, listener: Events[E]): this {
    const wrapper = ((...args: Parameters<Events[E]>) => {
      this.off(event, wrapper);
      listener(...args);
    }) as Events[E];
    return this.on(event, wrapper);
  }

  off<E extends keyof Events>(event: E, listener: Events[E]): this {
    this.#listeners.get(event)?.delete(listener);
    return this;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  listenerCount<E extends keyof Events>(event: E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener of `event`; a listener that throws is logged, never rethrown. */
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        getLogger().error(`listener for "${String(event)}" threw`, error);
      }
    }
  }
}
