/**
 * The bus between server processes (issue 17): one interface, two
 * implementations — `MemoryClusterBus` for one process (and for tests of
 * several in one), `RedisClusterBus` over Redis pub/sub for a cluster. Both
 * pass the same contract tests (cluster-bus.contract.ts):
 *
 * - a message reaches every subscriber of its topic on every process, the
 *   publisher's own included, never synchronously inside `publish`, and the
 *   messages of one publisher arrive in the order they were published;
 * - `publish` resolves with how many processes had a subscriber (0: nobody
 *   listens — e.g. a session's owner is gone);
 * - a subscription is active once `subscribe` resolves; after its
 *   `unsubscribe` it gets nothing more;
 * - a throwing handler is reported and the others still run;
 * - after `close`, `publish` and `subscribe` reject with CLUSTER_UNAVAILABLE.
 *
 * Delivery is at most once: Redis pub/sub keeps nothing for a process that is
 * not connected at that moment. What must survive a lost message (session
 * state) lives in Redis keys and PostgreSQL, not on the bus.
 */
import type { ClusterEnvelope, ClusterMessageMap, MessageType, Topic, TopicKind } from './cluster-messages.ts';

export type ClusterHandler<K extends TopicKind> = (message: ClusterEnvelope<K>) => void;

export interface ClusterSubscription {
  unsubscribe(): Promise<void>;
}

export interface ClusterBus {
  /** This process, as other processes address it (`Topics.process(processId)`); unique per start. */
  readonly processId: string;
  publish<K extends TopicKind, T extends MessageType<K>>(topic: Topic<K>, type: T, payload: ClusterMessageMap[K][T]): Promise<number>;
  subscribe<K extends TopicKind>(topic: Topic<K>, handler: ClusterHandler<K>): Promise<ClusterSubscription>;
  /** Stops every subscription; idempotent. */
  close(): Promise<void>;
}
