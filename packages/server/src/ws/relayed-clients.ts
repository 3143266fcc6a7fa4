/**
 * The owner's side of the relay (issue 17.2): while this process holds a
 * session's lease it answers the requests other processes relay for their
 * clients in it, through the same handlers as its own sockets' requests. Each
 * relayed socket is one RemoteClientConnection here, kept while it is bound
 * (joined or resumed) and dropped once it is not — left, closed, or its socket
 * closed on its process (which starts its participant's reconnect grace).
 *
 * User channels (`user.login`, `call.*`) and `ping` are never relayed: the
 * process the socket is on answers them (client-connection.ts).
 */
import { REQUESTS, type RequestType } from '@parley/protocol';
import type { ClusterSubscription } from '../cluster/cluster-bus.ts';
import type { RelayedClientAddress, RelayedRequest } from '../cluster/cluster-messages.ts';
import type { OwnerRelay } from '../cluster/owner-relay.ts';
import { parseOrThrow } from '../util/validate.ts';
import { handlers } from './handlers.ts';
import { RemoteClientConnection } from './remote-client-connection.ts';
import type { RequestHandlers, SignalingDeps } from './request-context.ts';

const keyOf = (client: RelayedClientAddress) => `${client.replyTo}/${client.connectionId}`;

export class RelayedClients {
  readonly #clients = new Map<string, RemoteClientConnection>();
  readonly #deps: SignalingDeps;

  /** `deps`: this process's signaling; TURN servers are the relaying process's to give (they depend on the socket's Host). */
  constructor(
    deps: SignalingDeps,
    private readonly relay: OwnerRelay,
  ) {
    this.#deps = { ...deps, iceServers: undefined };
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
    this.#clients.delete(keyOf(client));
    conn?.socketClosed();
  }

  async #handle(request: RelayedRequest): Promise<unknown> {
    const conn = this.#connectionOf(request);
    try {
      const type = request.type as RequestType;
      const params = parseOrThrow(REQUESTS[type].params, request.params ?? {}, 'params');
      return await (handlers[type] as RequestHandlers[RequestType])(conn, params as never);
    } finally {
      if (!conn.binding && this.#clients.get(keyOf(request)) === conn) this.#clients.delete(keyOf(request));
    }
  }

  #connectionOf(request: RelayedRequest): RemoteClientConnection {
    const key = keyOf(request);
    let conn = this.#clients.get(key);
    if (!conn) {
      const log = this.#deps.log.child({ relayedFrom: request.replyTo, conn: request.connectionId });
      conn = new RemoteClientConnection(this.relay.linkTo(request), this.#deps, log, () => {
        if (this.#clients.get(key) === conn) this.#clients.delete(key);
      });
      this.#clients.set(key, conn);
    }
    return conn;
  }
}
