/**
 * A client connected to one process in a session owned by another (issue
 * 17.2): its requests go to the owner over the cluster bus, the owner's events
 * for it come back. Like every request in Parley (STYLE 4) each has an id,
 * waits in a pending map, and times out:
 *
 * - `request` (the process a client's socket is on) publishes on the session's
 *   `owner` topic and waits for the answer on its own `process` topic. Nobody
 *   listening there (the session has no owner now) rejects at once with
 *   CLUSTER_UNAVAILABLE, no answer in time with REQUEST_TIMEOUT.
 * - `serve` (the owner, while it holds the session's lease) runs each relayed
 *   request through its handler and answers: the result, or the handler's
 *   ParleyError with its code (anything else is INTERNAL_ERROR, as at the edge).
 * - `close` rejects everything still waiting with CLUSTER_UNAVAILABLE.
 *
 * Events go the other way on the relaying process's `process` topic, named by
 * the clients' connection ids: the owner's `linkTo(client)` is the relayed
 * participant's link (its `send` and `close` publish; a session's broadcast
 * goes once per process, relay-outbox.ts), and the relaying process
 * `attach`es each socket for its life to get them. A relayed client's
 * socket closing is told to the owner with `disconnected`; whether its process
 * still listens at all, with `reachable`.
 *
 * The ringing flow uses the same requests and answers on a call's `call`
 * topic (`requestCall`, `serveCall`: cluster/ringing-relay.ts).
 */
import { randomUUID } from 'node:crypto';
import { type ErrorBody, isErrorCode, isParleyError, ParleyError, type RequestParams, type RequestResult, type RequestType } from '@parley/protocol';
import type { ParticipantLink } from '../sessions/participant.ts';
import type { Logger } from '../util/logger.ts';
import type { ClusterBus, ClusterHandler, ClusterSubscription } from './cluster-bus.ts';
import { type ClusterEnvelope, type RelayedClientAddress, type RelayedRequest, type RelayedResponse, type Topic, Topics } from './cluster-messages.ts';
import { RelayOutbox } from './relay-outbox.ts';

interface Pending {
  resolve(result: unknown): void;
  reject(error: ParleyError): void;
  timer: NodeJS.Timeout;
}

export type RelayedRequestHandler = (request: RelayedRequest) => Promise<unknown>;

/** A relayed client, as the relaying process names it. */
export interface RelayedClient {
  uid: string;
  connectionId: string;
}

export class OwnerRelay {
  readonly #bus: ClusterBus;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  readonly #pending = new Map<string, Pending>();
  readonly #serving = new Set<ClusterSubscription>();
  /** This process's sockets, by connection id: where other processes' events for them go. */
  readonly #attached = new Map<string, ParticipantLink>();
  /** The owner's events for relayed clients, by process: a broadcast once per process. */
  readonly #outbox: RelayOutbox;
  #answers: ClusterSubscription | undefined;
  #closed = false;

  private constructor(bus: ClusterBus, opts: { timeoutMs: number; log: Logger }) {
    this.#bus = bus;
    this.#timeoutMs = opts.timeoutMs;
    this.#log = opts.log;
    this.#outbox = new RelayOutbox((processId, message) => {
      this.#bus.publish(Topics.process(processId), 'client.event', message).catch((error: unknown) => this.#log.debug({ err: error, to: processId }, 'an event for relayed clients was not sent'));
    });
  }

  /** Ready once it listens for the answers to this process's requests. */
  static async start(bus: ClusterBus, opts: { timeoutMs: number; log: Logger }): Promise<OwnerRelay> {
    const relay = new OwnerRelay(bus, opts);
    relay.#answers = await bus.subscribe(Topics.process(bus.processId), (message) => relay.#received(message));
    return relay;
  }

  get processId(): string {
    return this.#bus.processId;
  }

  /** Sends a client's request to the session's owner; resolves with its result or rejects with its error. */
  request<T extends RequestType>(sessionId: string, client: RelayedClient, type: T, params: RequestParams<T>): Promise<RequestResult<T>> {
    return this.#request(Topics.owner(sessionId), client, type, params);
  }

  /** Sends a user channel's request on a ringing (or answered) call to the process the call rings from (the caller's). */
  requestCall<T extends RequestType>(sessionId: string, client: RelayedClient, type: T, params: RequestParams<T>): Promise<RequestResult<T>> {
    return this.#request(Topics.call(sessionId), client, type, params);
  }

  async #request<T extends RequestType>(to: Topic<'owner' | 'call'>, client: RelayedClient, type: T, params: RequestParams<T>): Promise<RequestResult<T>> {
    const sessionId = to.id;
    if (this.#closed) throw new ParleyError('CLUSTER_UNAVAILABLE', 'The relay to session owners is closed');
    const requestId = randomUUID();
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => this.#settle(requestId)?.reject(new ParleyError('REQUEST_TIMEOUT', `The owner of ${to.kind} ${sessionId} did not answer ${type} in time`)), this.#timeoutMs);
      this.#pending.set(requestId, { resolve, reject, timer });
    });
    const request = { requestId, replyTo: this.#bus.processId, connectionId: client.connectionId, uid: client.uid, type, params } as RelayedRequest;
    let listeners: number;
    try {
      listeners = await this.#bus.publish(to, 'client.request', request);
    } catch (error) {
      this.#settle(requestId);
      throw error;
    }
    if (listeners === 0) {
      this.#settle(requestId);
      throw new ParleyError('CLUSTER_UNAVAILABLE', `No process owns ${to.kind} ${sessionId} now`, { details: { sessionId } });
    }
    return (await answer) as RequestResult<T>;
  }

  /** Tells the session's owner that a relayed client's socket closed (at most once: a lost word leaves the owner's heartbeat-less participant until it resumes or leaves). */
  async disconnected(sessionId: string, client: RelayedClient): Promise<void> {
    if (this.#closed) return;
    await this.#bus.publish(Topics.owner(sessionId), 'client.disconnected', { ...client, replyTo: this.#bus.processId }).catch((error: unknown) => {
      this.#log.warn({ err: error, sessionId, uid: client.uid }, "a relayed client's close was not told to its owner");
    });
  }

  /** The owner's events for the client `connectionId` of this process reach `link` (its socket) until `detach`. */
  attach(connectionId: string, link: ParticipantLink): void {
    this.#attached.set(connectionId, link);
  }

  detach(connectionId: string): void {
    this.#attached.delete(connectionId);
  }

  /** On the owner: the way to a relayed client (its participant's link). Sending is fire and forget, in order. */
  linkTo(client: RelayedClientAddress): ParticipantLink {
    const { replyTo, connectionId } = client;
    const lost = (error: unknown) => this.#log.debug({ err: error, to: replyTo }, 'a close for a relayed client was not sent');
    return {
      send: (event, data) => this.#outbox.send(replyTo, connectionId, event, data),
      close: (reason) => {
        this.#outbox.flush(replyTo);
        void this.#bus.publish(Topics.process(replyTo), 'client.close', { connectionId, reason }).catch(lost);
      },
    };
  }

  /** Whether `processId` still listens (a dead process's subscriptions go with its connection); a bus that fails to say counts as yes. */
  async reachable(processId: string): Promise<boolean> {
    const listeners = await this.#bus.publish(Topics.process(processId), 'process.ping', {}).catch(() => 1);
    return listeners > 0;
  }

  /**
   * Answers the requests relayed to the owner of `sessionId`, and hears of its
   * relayed clients' sockets closing, until unsubscribed (when the lease is
   * released or lost).
   */
  serve(sessionId: string, handle: RelayedRequestHandler, disconnected: (client: RelayedClientAddress & { uid: string }) => void = () => {}): Promise<ClusterSubscription> {
    return this.#serve(Topics.owner(sessionId), (message) => {
      if (message.type === 'client.request') void this.#answer(message.payload, handle);
      else disconnected(message.payload);
    });
  }

  /** On the process a call rings from: answers the requests on it from user channels elsewhere, and hears of its session ending elsewhere, until unsubscribed (the call is over). */
  serveCall(sessionId: string, handle: RelayedRequestHandler, sessionEnded: () => void): Promise<ClusterSubscription> {
    return this.#serve(Topics.call(sessionId), (message) => {
      if (message.type === 'client.request') void this.#answer(message.payload, handle);
      else sessionEnded();
    });
  }

  /** Tells the process a call rings from that its session ended (here, where it was owned). */
  async callSessionEnded(sessionId: string): Promise<void> {
    await this.#bus.publish(Topics.call(sessionId), 'session.ended', {}).catch((error: unknown) => this.#log.warn({ err: error, sessionId }, "a call's session end was not told to its process"));
  }

  async #serve<K extends 'owner' | 'call'>(topic: Topic<K>, handler: ClusterHandler<K>): Promise<ClusterSubscription> {
    const subscription = await this.#bus.subscribe(topic, handler);
    this.#serving.add(subscription);
    return {
      unsubscribe: async () => {
        this.#serving.delete(subscription);
        await subscription.unsubscribe();
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const requestId of [...this.#pending.keys()]) this.#settle(requestId)?.reject(new ParleyError('CLUSTER_UNAVAILABLE', 'The relay to session owners closed'));
    await Promise.allSettled([this.#answers?.unsubscribe(), ...[...this.#serving].map((s) => s.unsubscribe())]);
    this.#serving.clear();
    this.#attached.clear();
  }

  async #answer(request: RelayedRequest, handle: RelayedRequestHandler): Promise<void> {
    let response: RelayedResponse;
    try {
      response = { requestId: request.requestId, ok: true, result: (await handle(request)) ?? {} };
    } catch (error) {
      if (!isParleyError(error)) this.#log.error({ err: error, type: request.type, uid: request.uid }, 'a relayed request failed');
      const parley = isParleyError(error) ? error : new ParleyError('INTERNAL_ERROR');
      response = { requestId: request.requestId, ok: false, error: parley.toJSON().error };
    }
    // What the owner sent that process while the request ran goes first, as it was made.
    this.#outbox.flush(request.replyTo);
    // The relaying process may be gone; its client then resumes elsewhere and asks again.
    await this.#bus.publish(Topics.process(request.replyTo), 'client.response', response).catch(() => {});
  }

  #received(message: ClusterEnvelope<'process'>): void {
    if (message.type === 'client.response') {
      this.#answered(message.payload);
      return;
    }
    // A socket closed meanwhile is not attached any more.
    if (message.type === 'client.close') {
      this.#attached.get(message.payload.connectionId)?.close(message.payload.reason);
      return;
    }
    if (message.type !== 'client.event') return; // another's (ringing-relay.ts)
    const { connectionIds, event, data } = message.payload;
    for (const connectionId of connectionIds) this.#attached.get(connectionId)?.send(event, data);
  }

  #answered(response: RelayedResponse): void {
    const pending = this.#settle(response.requestId);
    if (!pending) return; // timed out, or not ours
    if (response.ok) pending.resolve(response.result);
    else pending.reject(errorFrom(response.error));
  }

  /** Takes a request out of the pending map (stopping its timer); undefined if it was not there. */
  #settle(requestId: string): Pending | undefined {
    const pending = this.#pending.get(requestId);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.#pending.delete(requestId);
    return pending;
  }
}

function errorFrom(body: ErrorBody['error']): ParleyError {
  return new ParleyError(isErrorCode(body.code) ? body.code : 'INTERNAL_ERROR', body.message, { details: body.details });
}
