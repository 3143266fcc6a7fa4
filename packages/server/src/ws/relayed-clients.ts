/**
 * The owner's side of the relay (issue 17.2): while this process holds a
 * session's lease it answers the requests other processes relay for their
 * clients in it, through the same handlers as its own sockets' requests. Each
 * relayed socket is one RemoteClientConnection here, kept while it is bound
 * (joined or resumed) and dropped once it is not — left, closed, or its socket
 * closed on its process (which starts its participant's reconnect grace). A
 * process that dies cannot say its sockets closed: while any are here, the
 * processes they are on are checked every renewal period, and the sockets of
 * one that no longer listens count as closed.
 *
 * User channels (`user.login`, `call.*`) and `ping` are never relayed: the
 * process the socket is on answers them (client-connection.ts).
 */
import { REQUESTS, type RequestType } from '@parley/protocol';
import type { ClusterSubscription } from '../cluster/cluster-bus.ts';
import type { RelayedClientAddress, RelayedRequest } from '../cluster/cluster-messages.ts';
import type { OwnerRelay } from '../cluster/owner-relay.ts';
import { DEFAULTS } from '../defaults.ts';
import { parseOrThrow } from '../util/validate.ts';
import { handlers } from './handlers.ts';
import { RemoteClientConnection } from './remote-client-connection.ts';
import type { RequestHandlers, SignalingDeps } from './request-context.ts';

const keyOf = (client: RelayedClientAddress) => `${client.replyTo}/${client.connectionId}`;

export class RelayedClients {
  readonly #clients = new Map<string, RemoteClientConnection>();
  readonly #deps: SignalingDeps;
  readonly #checkEveryMs: number;
  #checking: NodeJS.Timeout | undefined;

  /** `deps`: this process's signaling; TURN servers are the relaying process's to give (they depend on the socket's Host). */
  constructor(
    deps: SignalingDeps,
    private readonly relay: OwnerRelay,
    opts: { checkEveryMs?: number } = {},
  ) {
    this.#deps = { ...deps, iceServers: undefined };
    this.#checkEveryMs = opts.checkEveryMs ?? DEFAULTS.cluster.sessionLeaseRenewMs;
  }

  /** Answers the session's relayed clients until unsubscribed (ServedLeases: while its lease is held). */
  serve(sessionId: string): Promise<ClusterSubscription> {
    return this.relay.serve(
      sessionId,
      (request) => this.#handle(request),
      (client) => this.#socketClosed(client),
    );
  }

  #socketClosed(client: RelayedClientAddress): void {
    const conn = this.#clients.get(keyOf(client));
    this.#forget(keyOf(client));
    conn?.socketClosed();
  }

  #forget(key: string): void {
    this.#clients.delete(key);
    if (this.#clients.size > 0) return;
    clearInterval(this.#checking);
    this.#checking = undefined;
  }

  /** The sockets of a process that no longer listens closed with it. */
  async #checkProcesses(): Promise<void> {
    const processes = new Set([...this.#clients.keys()].map((key) => key.slice(0, key.indexOf('/'))));
    for (const processId of processes) {
      if (await this.relay.reachable(processId)) continue;
      this.#deps.log.warn({ processId }, 'a process with clients relayed here is gone: their reconnect grace starts');
      for (const [key, conn] of [...this.#clients]) {
        if (!key.startsWith(`${processId}/`)) continue;
        this.#forget(key);
        conn.socketClosed();
      }
    }
  }

  async #handle(request: RelayedRequest): Promise<unknown> {
    const conn = this.#connectionOf(request);
    try {
      const type = request.type as RequestType;
      const params = parseOrThrow(REQUESTS[type].params, request.params ?? {}, 'params');
      return await (handlers[type] as RequestHandlers[RequestType])(conn, params as never);
    } finally {
      if (!conn.binding && this.#clients.get(keyOf(request)) === conn) this.#forget(keyOf(request));
    }
  }

  #connectionOf(request: RelayedRequest): RemoteClientConnection {
    const key = keyOf(request);
    let conn = this.#clients.get(key);
    if (!conn) {
      const log = this.#deps.log.child({ relayedFrom: request.replyTo, conn: request.connectionId });
      conn = new RemoteClientConnection(this.relay.linkTo(request), this.#deps, log, () => {
        if (this.#clients.get(key) === conn) this.#forget(key);
      });
      this.#clients.set(key, conn);
      if (!this.#checking) {
        this.#checking = setInterval(() => void this.#checkProcesses(), this.#checkEveryMs);
        this.#checking.unref();
      }
    }
    return conn;
  }
}
