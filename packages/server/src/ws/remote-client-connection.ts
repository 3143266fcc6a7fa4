/**
 * On a session's owner, a client whose socket is on another process (issue
 * 17.2): a connection like ClientConnection as the handlers see it — a binding,
 * a link its participant is reached through — whose sends go over the cluster
 * bus to the process its socket is on (OwnerRelay.linkTo). Its requests come
 * over the bus too (relayed-clients.ts runs them through the same handlers).
 */
import type { ServerEventName, ServerEvents } from '@parley/protocol';
import type { Logger } from 'pino';
import type { ParticipantLink } from '../sessions/participant.ts';
import type { Binding, RequestContext, SignalingDeps } from './request-context.ts';

export class RemoteClientConnection implements RequestContext {
  binding: Binding | undefined;
  #closed = false;

  /** `forget`: the session is done with it (its close), so its owner drops it. */
  constructor(
    private readonly link: ParticipantLink,
    readonly deps: SignalingDeps,
    readonly log: Logger,
    private readonly forget: () => void,
  ) {}

  send<E extends ServerEventName>(event: E, data: ServerEvents[E]): void {
    if (!this.#closed) this.link.send(event, data);
  }

  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.binding = undefined; // the session is done with us; the socket's close must not touch it
    this.forget();
    this.link.close(reason);
  }

  /** Its socket closed on the other process: its participant's reconnect grace starts (as ClientConnection's close). */
  socketClosed(): void {
    const binding = this.binding;
    this.binding = undefined;
    this.#closed = true;
    if (binding) binding.session.disconnected(binding.participant, this);
  }
}
