/**
 * The bus of one process: messages go from a publisher to the subscribers of
 * the same hub, in memory. A server without REDIS_URL has one hub and one bus;
 * tests make a hub and a bus per pretend process to run cluster logic in one
 * Node process.
 */
import { randomUUID } from 'node:crypto';
import { type ListenerErrorReporter, ParleyError } from '@parley/protocol';
import type { ClusterBus, ClusterHandler, ClusterSubscription } from './cluster-bus.ts';
import { type ClusterEnvelope, type ClusterMessageMap, channelOf, type MessageType, type Topic, type TopicKind } from './cluster-messages.ts';
import { LocalSubscribers } from './local-subscribers.ts';

/** The pretend network between the buses of one Node process. */
export class MemoryClusterHub {
  readonly buses = new Set<MemoryClusterBus>();
}

export class MemoryClusterBus implements ClusterBus {
  readonly processId: string;
  readonly #hub: MemoryClusterHub;
  readonly #subscribers: LocalSubscribers;
  #closed = false;

  constructor(opts: { hub?: MemoryClusterHub; processId?: string; report: ListenerErrorReporter }) {
    this.processId = opts.processId ?? randomUUID();
    this.#hub = opts.hub ?? new MemoryClusterHub();
    this.#subscribers = new LocalSubscribers(opts.report);
    this.#hub.buses.add(this);
  }

  async publish<K extends TopicKind, T extends MessageType<K>>(topic: Topic<K>, type: T, payload: ClusterMessageMap[K][T]): Promise<number> {
    this.#checkOpen();
    const channel = channelOf(topic);
    // A copy through JSON, as over the wire: no receiver shares an object with the sender.
    const message = JSON.parse(JSON.stringify({ from: this.processId, type, payload })) as ClusterEnvelope<TopicKind>;
    const receivers = [...this.#hub.buses].filter((bus) => bus.#subscribers.has(channel));
    // Microtasks run in order: one publisher's messages arrive in the order they were sent.
    for (const bus of receivers) queueMicrotask(() => bus.#subscribers.deliver(channel, message));
    return receivers.length;
  }

  async subscribe<K extends TopicKind>(topic: Topic<K>, handler: ClusterHandler<K>): Promise<ClusterSubscription> {
    this.#checkOpen();
    const channel = channelOf(topic);
    this.#subscribers.add(channel, handler);
    return {
      unsubscribe: async () => {
        this.#subscribers.remove(channel, handler);
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#subscribers.clear();
    this.#hub.buses.delete(this);
  }

  #checkOpen(): void {
    if (this.#closed) throw new ParleyError('CLUSTER_UNAVAILABLE', 'The cluster bus is closed');
  }
}
