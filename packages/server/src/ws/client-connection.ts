/**
 * One client's signaling WebSocket. Every frame is validated against the
 * protocol; after `join` the connection is bound to one (session, user) and
 * every later request acts there and nowhere else.
 *
 * In a cluster, a `join` or `resume` of a session another process owns is
 * relayed there, and from then on so is every session request of this socket
 * (relayed-session.ts): the owner binds it, and its events come back here.
 */
import {
  CLOSE_CODES,
  isParleyError,
  ParleyError,
  REQUESTS,
  RequestFrame,
  type RequestType,
  type ServerEventName,
  type ServerEvents,
  type ServerFrame,
} from '@parley/protocol';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { toParleyError } from '../http/errors.ts';
import { rateLimited } from '../http/rate-limits.ts';
import { parseOrThrow } from '../util/validate.ts';
import { handlers } from './handlers.ts';
import { isRelayed, ownerSessionOf, relayFailure } from './relay-route.ts';
import { RelayedSession } from './relayed-session.ts';
import type { FrameBudget } from './signaling-limits.ts';
import type { Binding, RequestContext, RequestHandlers, SignalingDeps } from './request-context.ts';

const MAX_BAD_FRAMES = 20; // a client that keeps sending garbage is cut off

export class ClientConnection implements RequestContext {
  readonly log: Logger;
  binding: Binding | undefined;
  /** How other processes' events for this socket name it (its session's owner, its call's process). */
  readonly connectionId = randomUUID();
  /** Its session, owned by another process: session requests go there. */
  #relayed: RelayedSession | undefined;
  /** A session whose owner did not answer this socket's join or resume in time. */
  #unanswered: string | undefined;
  /** Stops watching its owner (a cluster's OwnerWatch). */
  #unwatch: (() => void) | undefined;
  #badFrames = 0;
  readonly #budget: FrameBudget;
  #closed = false;

  constructor(
    private readonly socket: WebSocket,
    readonly deps: SignalingDeps,
    log: Logger,
  ) {
    this.log = log;
    this.#budget = deps.limits.frameBudget();
    deps.observed.emit('connection.opened');
    // In a cluster, what another process sends this socket (as its session's owner, or its call's) reaches it.
    deps.relay?.attach(this.connectionId, this);
    socket.on('message', (data, isBinary) => void this.#onFrame(isBinary ? null : data.toString()));
    socket.on('close', () => this.#onClose());
    socket.on('error', (error) => this.log.debug({ err: error }, 'socket error'));
  }

  send<E extends ServerEventName>(event: E, data: ServerEvents[E]): void {
    this.#write({ type: 'event', event, data } as ServerFrame);
  }

  close(reason: string): void {
    if (this.#closed) return;
    this.binding = undefined; // the session is done with us; our close must not touch it
    this.#endRelay();
    this.socket.close(CLOSE_CODES.sessionEnded, reason.slice(0, 120));
  }

  #write(frame: ServerFrame): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  async #onFrame(text: string | null): Promise<void> {
    let id = '';
    let type: RequestType | null = null;
    try {
      if (text === null) throw new ParleyError('VALIDATION_FAILED', 'Frames must be JSON text');
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        throw new ParleyError('INVALID_JSON', 'The frame is not valid JSON');
      }
      if (raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string') id = (raw as { id: string }).id.slice(0, 64);
      if (!this.#budget.take()) throw rateLimited(this.#budget.retryAfterSeconds);
      const frame = parseOrThrow(RequestFrame, raw, 'frame');
      if (!Object.hasOwn(REQUESTS, frame.type)) throw new ParleyError('VALIDATION_FAILED', `Unknown request type "${frame.type}"`);
      type = frame.type as RequestType;
      const params = parseOrThrow(REQUESTS[type].params, frame.params ?? {}, 'params');
      const result = await this.#run(type, params);
      this.#badFrames = 0;
      this.#write({ type: 'response', id, ok: true, result: result ?? {} });
      this.deps.observed.emit('request.answered', { type, code: null });
    } catch (error) {
      const parley = toParleyError(error);
      this.deps.observed.emit('request.answered', { type, code: parley.code });
      if (parley.code === 'INTERNAL_ERROR') this.log.error({ err: error }, 'request failed');
      if (parley.code === 'VALIDATION_FAILED' || parley.code === 'INVALID_JSON') this.#badFrames++;
      this.#write({ type: 'response', id, ok: false, error: parley.toJSON().error });
      if (this.#badFrames >= MAX_BAD_FRAMES) this.socket.close(CLOSE_CODES.invalidFrame, 'too many invalid frames');
      else if (this.#budget.abusive) this.socket.close(CLOSE_CODES.rateLimited, 'far over the frame rate limit');
    }
  }

  /** Runs a request here, or at the owner of this socket's session. */
  async #run(type: RequestType, params: unknown): Promise<unknown> {
    const relayed = this.#relayed;
    if (relayed && isRelayed(type)) {
      const result = await relayed.request(type, params as never);
      if (type === 'leave') this.#endRelay();
      return result;
    }
    try {
      return await (handlers[type] as RequestHandlers[RequestType])(this, params as never);
    } catch (error) {
      const relay = this.deps.relay;
      const sessionId = relay && !this.binding && !this.#relayed ? ownerSessionOf(type, params, error, this.deps.registry) : undefined;
      if (!relay || sessionId === undefined) throw error;
      return this.#relayTo(RelayedSession.open(relay, sessionId, this.connectionId, type as 'join' | 'resume', params as never)).catch(async (relayed: unknown) => {
        // Unanswered in time, the owner may still bind this socket: it hears of its close all the same.
        if (isParleyError(relayed, 'REQUEST_TIMEOUT')) this.#unanswered = sessionId;
        throw await relayFailure(error, relayed, () => this.deps.registry.whereabouts.unserved(sessionId));
      });
    }
  }

  /** A join or resume accepted by the owner binds this socket there; TURN servers are this socket's own (its Host). */
  async #relayTo(opening: ReturnType<typeof RelayedSession.open<'join' | 'resume'>>): Promise<unknown> {
    const { relayed, result } = await opening;
    if (this.#closed) relayed.socketClosed(); // it closed while the owner answered
    else {
      this.#relayed = relayed;
      this.#unanswered = undefined;
      this.#unwatch = this.deps.ownerWatch?.watch(relayed.sessionId, () => this.#ownerLost());
    }
    const iceServers = this.deps.iceServers?.(relayed.uid);
    return iceServers ? { ...result, iceServers } : result;
  }

  #endRelay(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#relayed = undefined;
  }

  /** The owner of its session is gone: the client resumes (on any process), into the session taken over. */
  #ownerLost(): void {
    this.#endRelay();
    this.socket.close(CLOSE_CODES.ownerLost, 'the session moves to another server process');
  }

  #onClose(): void {
    this.#closed = true;
    this.deps.observed.emit('connection.closed');
    this.deps.ringing?.channelClosed(this);
    this.deps.relay?.detach(this.connectionId);
    this.#relayed?.socketClosed();
    this.#endRelay();
    if (this.#unanswered !== undefined) void this.deps.relay?.disconnected(this.#unanswered, { uid: '', connectionId: this.connectionId });
    const binding = this.binding;
    this.binding = undefined;
    if (binding) binding.session.disconnected(binding.participant, this);
  }
}
