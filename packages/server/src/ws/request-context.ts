/**
 * What a signaling request handler works with: the services signaling runs
 * on, and its own connection as far as a handler may see it. Handlers import
 * this, never the connection class, so the connection can import them.
 */
import type { ParsedParams, RequestResult, RequestType } from '@parley/protocol';
import type { Logger } from 'pino';
import type { RingingService } from '../calls/ringing-service.ts';
import type { OwnerRelay } from '../cluster/owner-relay.ts';
import type { OwnerWatch } from '../cluster/owner-watch.ts';
import type { QualityService } from '../quality/quality-service.ts';
import type { RecordingService } from '../recording/recording-service.ts';
import type { CallSession } from '../sessions/call-session.ts';
import type { ParticipantLink, ParticipantView } from '../sessions/participant.ts';
import type { SessionRegistry } from '../sessions/session-registry.ts';
import type { IceServer, TurnService } from '../turn/turn-service.ts';
import type { SignalingEvents } from './signaling-events.ts';
import type { SignalingLimits } from './signaling-limits.ts';

export interface SignalingDeps {
  registry: SessionRegistry;
  tokenSecret: Uint8Array;
  log: Logger;
  /** Where new recordings go; absent: recording requests answer INVALID_STATE. */
  recordings?: Pick<RecordingService, 'newTarget'>;
  /** The ringing flow's user channels; absent: `user.login` and `call.*` answer INVALID_STATE. */
  ringing?: RingingService;
  /** TURN for clients; absent: `join` and `resume` results carry no iceServers. */
  turn?: Pick<TurnService, 'iceServersFor'> | undefined;
  /** This connection's TURN servers and credentials for a user (signaling-plugin.ts makes it from `turn` and the request's Host). */
  iceServers?: ((uid: string) => IceServer[]) | undefined;
  /** Where connections, request outcomes and join timings are told (metrics listen; event-wiring.ts). */
  observed: SignalingEvents;
  /** Joins and call initiations per user, frames per connection. */
  limits: SignalingLimits;
  /** Where `quality.sample`s go; absent: they are answered `stored: false`. */
  quality?: Pick<QualityService, 'record'>;
  /** A cluster's relay to the owners of sessions other processes own (REDIS_URL); absent: every session is here. */
  relay?: OwnerRelay | undefined;
  /** With `relay`: tells when the owner of a session a socket here is relayed to is gone. */
  ownerWatch?: Pick<OwnerWatch, 'watch'> | undefined;
}

/** After `join` (or `resume`), the one session and participant a connection acts for. */
export interface Binding {
  session: CallSession;
  participant: ParticipantView;
}

/**
 * A connection, as its request handlers see it: the link a participant it
 * joins as talks through, and a user channel of the ringing flow.
 */
export interface RequestContext extends ParticipantLink {
  readonly deps: SignalingDeps;
  readonly log: Logger;
  binding: Binding | undefined;
}

export type RequestHandlers = {
  [T in RequestType]: (conn: RequestContext, params: ParsedParams<T>) => Promise<RequestResult<T>>;
};
