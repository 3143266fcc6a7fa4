/**
 * A socket of this process in a session another process owns (issue 17.2):
 * its session requests go to the owner (OwnerRelay.request) — from the `join`
 * or `resume` the owner accepted until it leaves, the owner closes it, or its
 * socket closes, which the owner hears, to start its reconnect grace. The
 * owner's events for it come back to the socket, attached to the relay for
 * its whole life (client-connection.ts).
 */
import type { RequestParams, RequestResult, RequestType } from '@parley/protocol';
import type { OwnerRelay } from '../cluster/owner-relay.ts';

export class RelayedSession {
  private constructor(
    private readonly relay: OwnerRelay,
    readonly sessionId: string,
    private readonly client: { uid: string; connectionId: string },
  ) {}

  /** Joins or resumes at the owner (the socket `connectionId` of this process). */
  static async open<T extends 'join' | 'resume'>(
    relay: OwnerRelay,
    sessionId: string,
    connectionId: string,
    type: T,
    params: RequestParams<T>,
  ): Promise<{ relayed: RelayedSession; result: RequestResult<T> }> {
    // The uid is the owner's to verify (from the token); until it answers, the socket has none.
    const result = await relay.request(sessionId, { uid: '', connectionId }, type, params);
    const uid = (result as RequestResult<'join'>).self.uid;
    return { relayed: new RelayedSession(relay, sessionId, { uid, connectionId }), result };
  }

  get uid(): string {
    return this.client.uid;
  }

  request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<RequestResult<T>> {
    return this.relay.request(this.sessionId, this.client, type, params);
  }

  /** The socket closed: the owner keeps its participant for the reconnect grace. */
  socketClosed(): void {
    void this.relay.disconnected(this.sessionId, this.client);
  }
}
