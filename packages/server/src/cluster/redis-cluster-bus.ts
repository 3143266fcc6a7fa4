/**
 * The bus of a cluster: Redis pub/sub, one channel per topic (`<prefix><kind>:<id>`),
 * JSON messages. Two connections per process, because a subscribed Redis
 * connection takes no other command: one publishes, one subscribes. A process
 * subscribes to a channel once however many local handlers it has, so Redis's
 * PUBLISH answer counts processes.
 */
import { randomUUID } from 'node:crypto';
import { type ListenerErrorReporter, ParleyError } from '@parley/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from '../util/logger.ts';
import type { ClusterBus, ClusterHandler, ClusterSubscription } from './cluster-bus.ts';
import { type ClusterEnvelope, type ClusterMessageMap, channelOf, type MessageType, type Topic, type TopicKind } from './cluster-messages.ts';
import { LocalSubscribers } from './local-subscribers.ts';
import { connectRedis, redisCommand } from './redis-connection.ts';

export interface RedisClusterBusOptions {
  url: string;
  /** Before every channel name, so several clusters (or tests) can share one Redis. */
  prefix: string;
  log: Logger;
  report: ListenerErrorReporter;
}

export class RedisClusterBus implements ClusterBus {
  readonly processId = randomUUID();
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #subscribers: LocalSubscribers;
  /** Per channel, its latest SUBSCRIBE or UNSUBSCRIBE: a handler is active once the SUBSCRIBE before it is answered. */
  readonly #pending = new Map<string, Promise<unknown>>();
  readonly #log: Logger;
  #closed = false;

  static async connect(opts: RedisClusterBusOptions): Promise<RedisClusterBus> {
    const publisher = await connectRedis(opts.url, 'publish', opts.log);
    try {
      return new RedisClusterBus(publisher, await connectRedis(opts.url, 'subscribe', opts.log), opts);
    } catch (error) {
      publisher.disconnect();
      throw error;
    }
  }

  private constructor(publisher: Redis, subscriber: Redis, opts: RedisClusterBusOptions) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#prefix = opts.prefix;
    this.#log = opts.log;
    this.#subscribers = new LocalSubscribers(opts.report);
    subscriber.on('message', (channel: string, text: string) => this.#received(channel, text));
  }

  async publish<K extends TopicKind, T extends MessageType<K>>(topic: Topic<K>, type: T, payload: ClusterMessageMap[K][T]): Promise<number> {
    this.#checkOpen();
    const text = JSON.stringify({ from: this.processId, type, payload });
    return redisCommand('publishing on the cluster bus', () => this.#publisher.publish(this.#prefix + channelOf(topic), text));
  }

  async subscribe<K extends TopicKind>(topic: Topic<K>, handler: ClusterHandler<K>): Promise<ClusterSubscription> {
    this.#checkOpen();
    const channel = this.#prefix + channelOf(topic);
    const { first } = this.#subscribers.add(channel, handler);
    try {
      await (first ? this.#command(channel, () => this.#subscriber.subscribe(channel)) : this.#pending.get(channel));
    } catch (error) {
      this.#subscribers.remove(channel, handler);
      throw error;
    }
    return {
      unsubscribe: async () => {
        if (!this.#subscribers.remove(channel, handler).last || this.#closed) return;
        await this.#command(channel, () => this.#subscriber.unsubscribe(channel));
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscribers.clear();
    await Promise.allSettled([this.#publisher.quit(), this.#subscriber.quit()]);
  }

  /** One connection runs its commands in order, so the latest one per channel is what holds. */
  #command(channel: string, run: () => Promise<unknown>): Promise<unknown> {
    const done = redisCommand('subscribing on the cluster bus', run);
    this.#pending.set(channel, done);
    const forget = () => {
      if (this.#pending.get(channel) === done) this.#pending.delete(channel);
    };
    done.then(forget, forget);
    return done;
  }

  #received(channel: string, text: string): void {
    let message: ClusterEnvelope<TopicKind>;
    try {
      message = JSON.parse(text) as ClusterEnvelope<TopicKind>;
    } catch (error) {
      this.#log.warn({ err: error, channel }, 'a cluster message that is not JSON: dropped');
      return;
    }
    this.#subscribers.deliver(channel, message);
  }

  #checkOpen(): void {
    if (this.#closed) throw new ParleyError('CLUSTER_UNAVAILABLE', 'The cluster bus is closed');
  }
}
