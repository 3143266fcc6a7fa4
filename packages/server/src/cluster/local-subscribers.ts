/**
 * The handlers of one process, by channel: what both bus implementations keep
 * on their side of the wire. A channel's first handler and its last one going
 * are what a bus turns into SUBSCRIBE and UNSUBSCRIBE.
 */
import type { ListenerErrorReporter } from '@parley/protocol';
import type { ClusterHandler } from './cluster-bus.ts';
import type { ClusterEnvelope, TopicKind } from './cluster-messages.ts';

/**
 * A channel is one topic, so it only ever carries that topic kind's messages:
 * handlers of every kind can share one map.
 */
type AnyHandler = ClusterHandler<TopicKind>;
const stored = <K extends TopicKind>(handler: ClusterHandler<K>) => handler as unknown as AnyHandler;

export class LocalSubscribers {
  readonly #channels = new Map<string, Set<AnyHandler>>();
  readonly #report: ListenerErrorReporter;

  constructor(report: ListenerErrorReporter) {
    this.#report = report;
  }

  /** Adds a handler; `first` says the channel had none before. */
  add<K extends TopicKind>(channel: string, handler: ClusterHandler<K>): { first: boolean } {
    let handlers = this.#channels.get(channel);
    const first = handlers === undefined;
    if (!handlers) {
      handlers = new Set();
      this.#channels.set(channel, handlers);
    }
    handlers.add(stored(handler));
    return { first };
  }

  /** Removes a handler; `last` says the channel has none now. Removing one twice is a no-op (`last` false). */
  remove<K extends TopicKind>(channel: string, handler: ClusterHandler<K>): { last: boolean } {
    const handlers = this.#channels.get(channel);
    if (!handlers?.delete(stored(handler))) return { last: false };
    if (handlers.size > 0) return { last: false };
    this.#channels.delete(channel);
    return { last: true };
  }

  has(channel: string): boolean {
    return this.#channels.has(channel);
  }

  /** Runs every handler of the channel; one that throws is reported and the rest still run. */
  deliver(channel: string, message: ClusterEnvelope<TopicKind>): void {
    for (const handler of [...(this.#channels.get(channel) ?? [])]) {
      try {
        handler(message);
      } catch (error) {
        this.#report(channel, error);
      }
    }
  }

  clear(): void {
    this.#channels.clear();
  }
}
