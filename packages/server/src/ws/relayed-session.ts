/**
 * A socket of this process in a session another process owns (issue 17.2):
 * its session requests go to the owner (OwnerRelay.request) and the owner's
 * events for it come back to it (OwnerRelay.attach), from the `join` or
 * `resume` the owner accepted until it leaves, the owner closes it, or its
 * socket closes — which the owner hears, to start its reconnect grace.
 */
import type { RequestParams, RequestResult, RequestType } from '@parley/protocol';
import type { OwnerRelay } from '../cluster/owner-relay.ts';
import type { ParticipantLink } from '../sessions/participant.ts';

/** The socket: where the owner's events for it go. */
export interface RelayedSocket extends ParticipantLink {
  /** Unique on this process: how the owner's events name it. */
  readonly connectionId: string;
}

export class RelayedSession {
  private constructor(
    private readonly relay: OwnerRelay,
    readonly sessionId: string,
    private readonly client: { uid: string; connectionId: string },
  ) {}

  /** Joins or resumes at the owner; the owner's events for the socket reach it from the start (its answer's own events included). */
  static async open<T extends 'join' | 'resume'>(
    relay: OwnerRelay,
    sessionId: string,
    socket: RelayedSocket,
    type: T,
    params: RequestParams<T>,
  ): Promise<{ relayed: RelayedSession; result: RequestResult<T> }> {
    relay.attach(socket.connectionId, socket);
    try {
      // The uid is the owner's to verify (from the token); until it answers, the socket has none.
      const result = await relay.request(sessionId, { uid: '', connectionId: socket.connectionId }, type, params);
      const uid = (result as RequestResult<'join'>).self.uid;
      return { relayed: new RelayedSession(relay, sessionId, { uid, connectionId: socket.connectionId }), result };
    } catch (error) {
      relay.detach(socket.connectionId);
      throw error;
    }
  }

  get uid(): string {
    return this.client.uid;
  }

  request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<RequestResult<T>> {
    return this.relay.request(this.sessionId, this.client, type, params);
  }

  /** The session is done with the socket (it left, or the owner closed it): nothing more comes. */
  end(): void {
    this.relay.detach(this.client.connectionId);
  }

  /** The socket closed: the owner keeps its participant for the reconnect grace. */
  socketClosed(): void {
    this.end();
    void this.relay.disconnected(this.sessionId, this.client);
  }
}
