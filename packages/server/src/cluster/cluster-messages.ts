/**
 * What server processes tell each other (issue 17), as one typed map: topic
 * kind → message type → payload — the "events between servers" map of
 * socket.io's adapter. A topic is where a message goes; every process that
 * subscribed to it gets it:
 *
 * - `owner` of a session: the one process holding the session's lease
 *   (session-leases.ts) subscribes while it holds it. Other processes relay
 *   their clients' requests there.
 * - `user`: every process where the user has a socket (the ringing flow's
 *   user channel).
 * - `call`: the process a call rings from (its caller's), while the call is
 *   live: the requests of the receiver's user channels on other processes.
 * - `everyone`: every process (one topic, id `all`): questions all must answer.
 * - `process`: one process — the answers to the requests it relayed, and
 *   what the owner sends the relayed clients on it (each client's own events,
 *   in the order sent, after or before the answers as the owner sent them; a
 *   session's broadcast once for all its clients there).
 *
 * Payloads are JSON: no Buffer, Date or class instances.
 */
import type { Call, ErrorBody, RequestParams, RequestType, ServerEventName, ServerEvents } from '@parley/protocol';

/** A client's request, relayed to the session's owner by the process the client's socket is on. */
export type RelayedRequest = {
  /** Unique on the relaying process; the answer carries it back. */
  requestId: string;
  /** The relaying process (its `process` topic gets the answer). */
  replyTo: string;
  /** The client's socket on the relaying process: what the owner's events for it name. */
  connectionId: string;
  /** The user, as far as the relaying process knows (logs; the owner trusts only what `join` verifies). */
  uid: string;
} & { [T in RequestType]: { type: T; params: RequestParams<T> } }[RequestType];

/** The owner's answer to a relayed request. */
export type RelayedResponse = { requestId: string } & ({ ok: true; result: unknown } | { ok: false; error: ErrorBody['error'] });

/** The owner's event for relayed clients of one process: one participant's `send`, or a session's broadcast to all of them there (relay-outbox.ts). */
export type ClientEventMessage = { connectionIds: string[] } & { [E in ServerEventName]: { event: E; data: ServerEvents[E] } }[ServerEventName];

/** A relayed client, as the owner's session addresses it. */
export interface RelayedClientAddress {
  /** The process its socket is on. */
  replyTo: string;
  connectionId: string;
}

/** A server event for a user's sockets, wherever they are: all of them, or all but one (`except`, a socket of the process named). */
export type UserEventMessage = { [E in ServerEventName]: { event: E; data: ServerEvents[E]; except?: RelayedClientAddress } }[ServerEventName];

export interface ClusterMessageMap {
  owner: {
    'client.request': RelayedRequest;
    /** A relayed client's socket closed: the owner starts its reconnect grace. */
    'client.disconnected': RelayedClientAddress & { uid: string };
  };
  user: {
    'user.event': UserEventMessage;
  };
  everyone: {
    /** What does your process know of `uid` (busy there? calls ringing them from there)? Each answers `user.state` to `replyTo`. */
    'user.asked': { requestId: string; replyTo: string; uid: string };
  };
  call: {
    'client.request': RelayedRequest;
    /** The call's session ended on the process that owned it. */
    'session.ended': Record<string, never>;
  };
  process: {
    'client.response': RelayedResponse;
    /** For clients whose requests this process relays: each gets it. */
    'client.event': ClientEventMessage;
    /** The session is done with a relayed client: its socket closes (the session ended for it, or it resumed elsewhere). */
    'client.close': { connectionId: string; reason: string };
    'user.state': { requestId: string; busy: boolean; ringing: Call[] };
    /** Nothing: its publish tells whether the process still listens (a session's owner checking on those it has relayed clients of). */
    'process.ping': Record<string, never>;
  };
}

export type TopicKind = keyof ClusterMessageMap;
export type MessageType<K extends TopicKind> = keyof ClusterMessageMap[K] & string;

/** Where a message goes: a kind and the id of its session, user or process. */
export interface Topic<K extends TopicKind = TopicKind> {
  readonly kind: K;
  readonly id: string;
}

export const Topics = {
  owner: (sessionId: string): Topic<'owner'> => ({ kind: 'owner', id: sessionId }),
  user: (uid: string): Topic<'user'> => ({ kind: 'user', id: uid }),
  call: (sessionId: string): Topic<'call'> => ({ kind: 'call', id: sessionId }),
  everyone: (): Topic<'everyone'> => ({ kind: 'everyone', id: 'all' }),
  process: (processId: string): Topic<'process'> => ({ kind: 'process', id: processId }),
};

/** One message as a subscriber gets it: who sent it, its type and its payload (a union over the topic's types). */
export type ClusterEnvelope<K extends TopicKind> = {
  [T in MessageType<K>]: { from: string; type: T; payload: ClusterMessageMap[K][T] };
}[MessageType<K>];

/** The channel name of a topic (a Redis bus puts its prefix before it). Ids are validated ids: no spaces. */
export function channelOf(topic: Topic): string {
  return `${topic.kind}:${topic.id}`;
}
