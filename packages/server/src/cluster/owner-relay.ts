/**
 * Requests to a session's owner over the cluster bus, and their answers — the
 * request/response layer the relay of clients between processes will use
 * (issue 17.2). Like every request in Parley (STYLE 4) each has an id, waits
 * in a pending map, and times out:
 *
 * - `request` (the process a client's socket is on) publishes on the session's
 *   `owner` topic and waits for the answer on its own `process` topic. Nobody
 *   listening there (the session has no owner now) rejects at once with
 *   CLUSTER_UNAVAILABLE, no answer in time with REQUEST_TIMEOUT.
 * - `serve` (the owner, while it holds the session's lease) runs each relayed
 *   request through its handler and answers: the result, or the handler's
 *   ParleyError with its code (anything else is INTERNAL_ERROR, as at the edge).
 * - `close` rejects everything still waiting with CLUSTER_UNAVAILABLE.
 */
import { randomUUID } from 'node:crypto';
import { type ErrorBody, isErrorCode, isParleyError, ParleyError, type RequestParams, type RequestResult, type RequestType } from '@parley/protocol';
import type { Logger } from '../util/logger.ts';
import type { ClusterBus, ClusterSubscription } from './cluster-bus.ts';
import { type RelayedRequest, type RelayedResponse, Topics } from './cluster-messages.ts';

interface Pending {
  resolve(result: unknown): void;
  reject(error: ParleyError): void;
  timer: NodeJS.Timeout;
}

export type RelayedRequestHandler = (request: RelayedRequest) => Promise<unknown>;

export class OwnerRelay {
  readonly #bus: ClusterBus;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  readonly #pending = new Map<string, Pending>();
  readonly #serving = new Set<ClusterSubscription>();
  #answers: ClusterSubscription | undefined;
  #closed = false;

  private constructor(bus: ClusterBus, opts: { timeoutMs: number; log: Logger }) {
    this.#bus = bus;
    this.#timeoutMs = opts.timeoutMs;
    this.#log = opts.log;
  }

  /** Ready once it listens for the answers to this process's requests. */
  static async start(bus: ClusterBus, opts: { timeoutMs: number; log: Logger }): Promise<OwnerRelay> {
    const relay = new OwnerRelay(bus, opts);
    relay.#answers = await bus.subscribe(Topics.process(bus.processId), (message) => relay.#answered(message.payload));
    return relay;
  }

  /** Sends a client's request to the session's owner; resolves with its result or rejects with its error. */
  async request<T extends RequestType>(sessionId: string, uid: string, type: T, params: RequestParams<T>): Promise<RequestResult<T>> {
    if (this.#closed) throw new ParleyError('CLUSTER_UNAVAILABLE', 'The relay to session owners is closed');
    const requestId = randomUUID();
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => this.#settle(requestId)?.reject(new ParleyError('REQUEST_TIMEOUT', `The owner of session ${sessionId} did not answer ${type} in time`)), this.#timeoutMs);
      this.#pending.set(requestId, { resolve, reject, timer });
    });
    const request = { requestId, replyTo: this.#bus.processId, uid, type, params } as RelayedRequest;
    let listeners: number;
    try {
      listeners = await this.#bus.publish(Topics.owner(sessionId), 'client.request', request);
    } catch (error) {
      this.#settle(requestId);
      throw error;
    }
    if (listeners === 0) {
      this.#settle(requestId);
      throw new ParleyError('CLUSTER_UNAVAILABLE', `No process owns session ${sessionId} now`, { details: { sessionId } });
    }
    return (await answer) as RequestResult<T>;
  }

  /** Answers the requests relayed to the owner of `sessionId` until unsubscribed (when the lease is released or lost). */
  async serve(sessionId: string, handle: RelayedRequestHandler): Promise<ClusterSubscription> {
    const subscription = await this.#bus.subscribe(Topics.owner(sessionId), (message) => {
      if (message.type === 'client.request') void this.#answer(message.payload, handle);
    });
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
    // The relaying process may be gone; its client then resumes elsewhere and asks again.
    await this.#bus.publish(Topics.process(request.replyTo), 'client.response', response).catch(() => {});
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
