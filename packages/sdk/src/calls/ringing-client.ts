/**
 * The SDK's end of the ringing flow: one user channel (a SignalingClient that
 * sent `user.login`), the call listeners, and the active call. Each tab that
 * logs in is its own channel; the server rings them all.
 */
import { type Call, ParleyError, type RequestType, SerialQueue, type ServerEvents } from '@parley/protocol';
import { SignalingClient, signalingUrl, type WebSocketConstructor } from '../session/signaling-client.ts';
import { type Logger, scoped } from '../util/logger.ts';
import { type CallListener, type CallListenerEvents, FINAL_CALL_STATUSES, type InitiateCallOptions } from './call-listener.ts';

export interface RingingClientOptions {
  serverUrl: string;
  WebSocket?: WebSocketConstructor;
}

const isLive = (call: Call | null | undefined): call is Call => !!call && !FINAL_CALL_STATUSES.includes(call.status);

function requireSessionId(method: string, sessionId: unknown): asserts sessionId is string {
  if (typeof sessionId !== 'string' || sessionId.length === 0) {
    throw new ParleyError('VALIDATION_FAILED', `${method} expects the call's sessionId as a non-empty string`);
  }
}

export class RingingClient {
  readonly #opts: RingingClientOptions;
  readonly #listeners = new Map<string, CallListener>();
  readonly #incoming = new Map<string, Call>();
  readonly #log: Logger = scoped('ringing');
  readonly #queue = new SerialQueue();
  #signaling: SignalingClient | undefined;
  #authToken: string | undefined;
  #uid: string | undefined;
  #active: Call | null = null;

  constructor(options: RingingClientOptions) {
    this.#opts = options;
  }

  /** The logged-in user's uid, once `login` resolved. */
  get uid(): string | undefined {
    return this.#signaling?.isOpen ? this.#uid : undefined;
  }

  /** Calls ringing for this tab now. */
  get incomingCalls(): Call[] {
    return [...this.#incoming.values()];
  }

  // ——— listeners ———

  addCallListener(id: string, listener: CallListener): void {
    if (typeof id !== 'string' || id.length === 0) throw new ParleyError('VALIDATION_FAILED', 'addCallListener expects an id string');
    if (!listener || typeof listener !== 'object') throw new ParleyError('VALIDATION_FAILED', 'addCallListener expects a listener object');
    this.#listeners.set(id, listener);
  }

  removeCallListener(id: string): void {
    this.#listeners.delete(id);
  }

  // ——— the channel ———

  /** Opens the user channel for `authToken`'s user; calls ringing already are reported as incoming. */
  login(authToken: string): Promise<{ uid: string }> {
    if (typeof authToken !== 'string' || authToken.length === 0) {
      return Promise.reject(new ParleyError('VALIDATION_FAILED', 'login expects the user auth token as a non-empty string'));
    }
    return this.#queue.run(async () => {
      if (this.#signaling?.isOpen && this.#authToken === authToken && this.#uid) return { uid: this.#uid };
      this.#disconnect();
      const signaling = new SignalingClient(signalingUrl(this.#opts.serverUrl), this.#opts.WebSocket ? { WebSocket: this.#opts.WebSocket } : {});
      this.#signaling = signaling;
      this.#listen(signaling);
      try {
        await signaling.connect();
        const { uid, ringing } = await signaling.request('user.login', { authToken });
        this.#authToken = authToken;
        this.#uid = uid;
        this.#log.info(`logged in as ${uid}`);
        for (const call of ringing) this.#onIncoming(call);
        return { uid };
      } catch (error) {
        if (this.#signaling === signaling) this.#disconnect();
        throw error;
      }
    });
  }

  /** Closes the user channel; no more calls ring here. */
  logout(): void {
    this.#disconnect();
    this.#setActive(null);
  }

  // ——— the caller ———

  async initiateCall(options: InitiateCallOptions): Promise<Call> {
    if (!options || typeof options.receiverUid !== 'string' || options.receiverUid.length === 0) {
      throw new ParleyError('VALIDATION_FAILED', 'initiateCall expects { receiverUid, type }');
    }
    const type = options.type ?? 'video';
    if (type !== 'audio' && type !== 'video') throw new ParleyError('VALIDATION_FAILED', "initiateCall's type must be 'audio' or 'video'");
    if (isLive(this.#active)) throw new ParleyError('INVALID_STATE', 'There is an active call: end or cancel it first');
    const { call } = await this.#request('call.initiate', { receiverUid: options.receiverUid, type });
    // A busy answer comes as onOutgoingCallRejected; only a ringing call becomes active.
    if (call.status === 'initiated') this.#setActive(call);
    return call;
  }

  async cancelCall(sessionId: string): Promise<Call> {
    requireSessionId('cancelCall', sessionId);
    const { call } = await this.#request('call.cancel', { sessionId });
    // A call that never started leaves nothing to clear.
    if (this.#active?.sessionId === sessionId) this.#setActive(null);
    return call;
  }

  // ——— the receiver ———

  async acceptCall(sessionId: string): Promise<Call> {
    requireSessionId('acceptCall', sessionId);
    const { call } = await this.#request('call.accept', { sessionId });
    this.#incoming.delete(sessionId);
    this.#setActive(call);
    return call;
  }

  async rejectCall(sessionId: string, status: 'rejected' | 'busy' = 'rejected'): Promise<Call> {
    requireSessionId('rejectCall', sessionId);
    if (status !== 'rejected' && status !== 'busy') throw new ParleyError('VALIDATION_FAILED', "rejectCall's status must be 'rejected' or 'busy'");
    const { call } = await this.#request('call.reject', { sessionId, reason: status });
    this.#incoming.delete(sessionId);
    return call;
  }

  // ——— either side ———

  /** Ends the call for both (the other side gets onCallEndedMessageReceived, and onCallEnded in its session). */
  async endCall(sessionId?: string): Promise<Call> {
    const id = sessionId ?? this.#active?.sessionId;
    requireSessionId('endCall', id);
    try {
      const { call } = await this.#request('call.end', { sessionId: id });
      if (this.#active?.sessionId === id) this.#setActive(call);
      return call;
    } catch (error) {
      // Ended by the other side a moment before: the call is over either way.
      const active = this.#active;
      if (error instanceof ParleyError && error.code === 'CALL_NOT_FOUND' && active?.sessionId === id && !isLive(active)) return active;
      throw error;
    }
  }

  getActiveCall(): Call | null {
    return this.#active;
  }

  clearActiveCall(): void {
    this.#setActive(null);
  }

  // ——— what the server tells us ———

  #listen(signaling: SignalingClient): void {
    signaling.on('call.incoming', ({ call }) => this.#onIncoming(call));
    signaling.on('call.accepted', ({ call }) => {
      if (this.#active?.sessionId === call.sessionId) this.#setActive(call);
      this.#emit('onOutgoingCallAccepted', call);
    });
    signaling.on('call.rejected', ({ call }) => {
      if (this.#active?.sessionId === call.sessionId) this.#setActive(null);
      this.#emit('onOutgoingCallRejected', call);
    });
    signaling.on('call.cancelled', ({ call }) => {
      this.#incoming.delete(call.sessionId);
      this.#emit('onIncomingCallCancelled', call);
    });
    signaling.on('call.ended', ({ call }: ServerEvents['call.ended']) => {
      if (this.#active?.sessionId === call.sessionId) this.#setActive(call);
      this.#emit('onCallEndedMessageReceived', call);
    });
    signaling.on('@close', (info) => {
      if (this.#signaling !== signaling) return;
      this.#signaling = undefined;
      this.#incoming.clear();
      if (!info.clean) this.#log.warn(`the user channel closed (${info.code}); log in again to receive calls`);
    });
  }

  #onIncoming(call: Call): void {
    this.#incoming.set(call.sessionId, call);
    this.#emit('onIncomingCallReceived', call);
  }

  #setActive(call: Call | null): void {
    const before = this.#active;
    this.#active = call;
    if (before !== call) this.#emit('onActiveCallChanged', call);
  }

  #emit<E extends keyof CallListenerEvents>(event: E, ...args: Parameters<CallListenerEvents[E]>): void {
    for (const listener of [...this.#listeners.values()]) {
      const fn = listener[event] as ((...a: Parameters<CallListenerEvents[E]>) => void) | undefined;
      if (typeof fn !== 'function') continue;
      try {
        fn.apply(listener, args);
      } catch (error) {
        this.#log.error(`call listener ${event} threw`, error);
      }
    }
  }

  #request(type: RequestType, params: object): Promise<{ call: Call }> {
    const signaling = this.#signaling;
    if (!signaling?.isOpen || !this.#uid) return Promise.reject(new ParleyError('NOT_LOGGED_IN'));
    return signaling.request(type, params as never) as Promise<{ call: Call }>;
  }

  #disconnect(): void {
    const signaling = this.#signaling;
    this.#signaling = undefined;
    this.#uid = undefined;
    this.#authToken = undefined;
    this.#incoming.clear();
    signaling?.close(1000, 'logout');
  }
}
