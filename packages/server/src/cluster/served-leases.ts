/**
 * Session leases whose sessions are served on the bus (issue 17.2): while this
 * process holds a session's lease it answers the session's `owner` topic — the
 * requests other processes relay for their clients there — and stops as soon
 * as it releases or loses the lease, so a new owner is the only one answering.
 *
 * The registry (and the start's rebuild) take leases through this, as they
 * would through SessionLeases; what serves a session is given once signaling
 * exists (`serveWith`), before any client connects — the sessions the start
 * rebuilt before that are served from then.
 */
import type { Logger } from '../util/logger.ts';
import type { ClusterSubscription } from './cluster-bus.ts';
import type { SessionLeases } from './session-leases.ts';

/** What answers a session's relayed clients (ws/relayed-clients.ts). */
export interface OwnerServing {
  serve(sessionId: string): Promise<ClusterSubscription>;
}

type Leases = Pick<SessionLeases, 'acquire' | 'release' | 'on' | 'owner'>;

export class ServedLeases implements Leases {
  readonly #leases: Leases;
  readonly #log: Logger;
  readonly #serving = new Map<string, Promise<ClusterSubscription | undefined>>();
  #owner: OwnerServing | undefined;

  constructor(leases: Leases, log: Logger) {
    this.#leases = leases;
    this.#log = log;
    leases.on('lost', (sessionId) => void this.#stopServing(sessionId));
  }

  readonly on: Leases['on'] = (event, listener) => this.#leases.on(event, listener);

  owner(sessionId: string): Promise<string | null> {
    return this.#leases.owner(sessionId);
  }

  serveWith(owner: OwnerServing): void {
    this.#owner = owner;
    for (const [sessionId, serving] of this.#serving) {
      const served = serving.then((subscription) => subscription ?? owner.serve(sessionId));
      served.catch((error: unknown) => this.#log.error({ err: error, sessionId }, 'a session rebuilt at start is not served to other processes'));
      this.#serving.set(sessionId, served);
    }
  }

  /** Takes the lease, then serves the session: true once both are done (a relayed join finds the owner listening). */
  async acquire(sessionId: string): Promise<boolean> {
    if (!(await this.#leases.acquire(sessionId))) return false;
    if (this.#serving.has(sessionId)) {
      await this.#serving.get(sessionId);
      return true;
    }
    const owner = this.#owner;
    const serving = owner ? owner.serve(sessionId) : Promise.resolve(undefined);
    this.#serving.set(sessionId, serving);
    try {
      await serving;
    } catch (error) {
      // Owning a session nobody else can reach would split it: give it back.
      this.#serving.delete(sessionId);
      await this.#leases.release(sessionId).catch(() => {});
      throw error;
    }
    return true;
  }

  async release(sessionId: string): Promise<void> {
    await this.#stopServing(sessionId);
    await this.#leases.release(sessionId);
  }

  async #stopServing(sessionId: string): Promise<void> {
    const serving = this.#serving.get(sessionId);
    if (!serving) return;
    this.#serving.delete(sessionId);
    const subscription = await serving.catch(() => undefined);
    await subscription?.unsubscribe().catch((error: unknown) => this.#log.warn({ err: error, sessionId }, 'the owner topic was not left'));
  }
}
