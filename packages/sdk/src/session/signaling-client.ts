/**
 * The client end of /v1/ws: requests with ids, one pending entry each with its
 * own timeout, every pending request rejected with CONNECTION_CLOSED on close,
 * and the server's pushed events through a typed emitter.
 */
import {
  isErrorCode,
  ParleyError,
  type RequestParams,
  type RequestResult,
  type RequestType,
  type ServerEventName,
  type ServerEvents,
  TypedEmitter,
} from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';
import { listenerErrorsTo, type Logger, scoped } from '../util/logger.ts';
import { SignalingHeartbeat, type SignalingHeartbeatTimings } from './signaling-heartbeat.ts';

/** The part of the WebSocket API the client uses (browser WebSocket, or `ws` in Node). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface SignalingClientOptions {
  /** Defaults to `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Pings a silent socket and drops it when they go unanswered (signaling-heartbeat.ts); false: none. */
  heartbeat?: SignalingHeartbeatTimings | false;
  logger?: Logger;
}

/** How the connection ended: `clean` when we closed it ourselves. */
export interface CloseInfo {
  code: number;
  reason: string;
  clean: boolean;
}

export type SignalingEvents = {
  [E in ServerEventName]: [data: ServerEvents[E]];
} & {
  '@close': [info: CloseInfo];
};

interface Pending {
  type: RequestType;
  resolve: (result: unknown) => void;
  reject: (error: ParleyError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;

/** `http(s)://host/base` → `ws(s)://host/base/v1/ws`. */
export function signalingUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/ws`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** A session's socket to `serverUrl` (not yet connecting); `connectTimeoutMs`: a resume attempt's is short (DEFAULTS.resumeAttempts). */
export function newSignalingClient(
  opts: { serverUrl: string; WebSocket?: WebSocketConstructor; requestTimeoutMs?: number },
  connectTimeoutMs?: number,
): SignalingClient {
  // An option left undefined takes the client's default.
  return new SignalingClient(signalingUrl(opts.serverUrl), { connectTimeoutMs, WebSocket: opts.WebSocket, requestTimeoutMs: opts.requestTimeoutMs });
}

export class SignalingClient extends TypedEmitter<SignalingEvents> {
  readonly #WebSocket: WebSocketConstructor;
  readonly #requestTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #heartbeatTimings: SignalingHeartbeatTimings | false;
  readonly #log: Logger;
  #heartbeat: SignalingHeartbeat | undefined;
  #socket: WebSocketLike | undefined;
  #pending = new Map<string, Pending>();
  #nextId = 1;
  #closed = false;
  #closing = false;
  #abortConnect: ((error: ParleyError) => void) | undefined;

  constructor(
    readonly url: string,
    options: SignalingClientOptions = {},
  ) {
    const log = options.logger ?? scoped('signaling');
    super(listenerErrorsTo(log));
    const ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!ctor) throw new ParleyError('NETWORK_ERROR', 'No WebSocket implementation is available');
    this.#WebSocket = ctor;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    this.#heartbeatTimings = options.heartbeat ?? DEFAULTS.signalingHeartbeat;
    this.#log = log;
  }

  get isOpen(): boolean {
    return !this.#closed && this.#socket?.readyState === OPEN;
  }

  /** Opens the socket; rejects with NETWORK_ERROR when it cannot. */
  connect(): Promise<void> {
    if (this.#socket) return Promise.reject(new ParleyError('INVALID_STATE', 'connect() was called already'));
    return new Promise<void>((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = new this.#WebSocket(this.url);
      } catch (error) {
        reject(new ParleyError('NETWORK_ERROR', `Cannot open ${this.url}`, { cause: error }));
        return;
      }
      this.#socket = socket;
      this.#abortConnect = (error) => {
        clearTimeout(timer);
        this.#abortConnect = undefined;
        reject(error);
      };
      const timer = setTimeout(() => {
        this.#abortConnect?.(new ParleyError('NETWORK_ERROR', `Opening ${this.url} timed out`));
        this.close();
      }, this.#connectTimeoutMs);
      socket.onopen = () => {
        clearTimeout(timer);
        this.#abortConnect = undefined;
        this.#log.debug(`connected to ${this.url}`);
        this.#startHeartbeat();
        resolve();
      };
      socket.onerror = (event) => this.#log.debug('socket error', event);
      socket.onmessage = (event) => this.#onMessage(event.data);
      socket.onclose = (event) => {
        this.#abortConnect?.(new ParleyError('NETWORK_ERROR', `Cannot connect to ${this.url} (${event.code})`));
        this.#onClose(event.code, event.reason);
      };
    });
  }

  /** Sends one request and resolves with its typed result, or rejects with a ParleyError. */
  request<T extends RequestType>(type: T, params: RequestParams<T>, timeoutMs = this.#requestTimeoutMs): Promise<RequestResult<T>> {
    if (!this.isOpen || this.#closing) {
      return Promise.reject(new ParleyError('CONNECTION_CLOSED', `Cannot send ${type}: the connection is closed`));
    }
    const id = String(this.#nextId++);
    return new Promise<RequestResult<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ParleyError('REQUEST_TIMEOUT', `The server did not answer ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { type, resolve: resolve as (r: unknown) => void, reject, timer });
      try {
        this.#socket?.send(JSON.stringify({ id, type, params }));
      } catch (error) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new ParleyError('CONNECTION_CLOSED', `Cannot send ${type}`, { cause: error }));
      }
    });
  }

  /** Closes the socket and rejects what is pending; safe to call more than once. */
  close(code = 1000, reason = 'client closed'): void {
    if (this.#closed || this.#closing) return;
    this.#closing = true;
    const socket = this.#socket;
    this.#rejectAll(`The connection was closed (${reason})`);
    try {
      socket?.close(code, reason);
    } catch (error) {
      this.#log.debug('close threw', error);
    }
    // We are done with it now, whether or not the server completes the close handshake.
    this.#onClose(code, reason);
  }

  /**
   * The socket looks dead (a network change left it half-open: no answer to a ping):
   * close it as if it had dropped (an unclean close), so the session resumes on a new one.
   */
  drop(reason: string): void {
    if (this.#closed || this.#closing) return;
    try {
      this.#socket?.close(4000, reason);
    } catch (error) {
      this.#log.debug('close threw', error);
    }
    this.#onClose(1006, reason);
  }

  #startHeartbeat(): void {
    if (!this.#heartbeatTimings) return;
    const { intervalMs, missedBeats } = this.#heartbeatTimings;
    this.#heartbeat = new SignalingHeartbeat(
      {
        // Its answer counts only as a frame heard; a timeout or a close is the heartbeat's to judge.
        ping: () => void this.request('ping', {}, intervalMs * (missedBeats + 1)).catch(() => undefined),
        dead: (silentMs) => {
          this.#log.warn(`nothing heard from the server for ${silentMs} ms: the connection is dead`);
          this.drop(`no answer to ${missedBeats} pings`);
        },
      },
      this.#heartbeatTimings,
    );
  }

  #onMessage(data: unknown): void {
    this.#heartbeat?.heard();
    if (typeof data !== 'string') {
      this.#log.warn('ignoring a non-text frame');
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      this.#log.warn('ignoring a frame that is not JSON');
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    const f = frame as Record<string, unknown>;
    if (f.type === 'response' && typeof f.id === 'string') this.#onResponse(f);
    else if (f.type === 'event' && typeof f.event === 'string') {
      this.#log.debug(`event ${f.event}`);
      this.emit(f.event as ServerEventName, f.data as never);
    } else this.#log.warn('ignoring an unknown frame', f.type);
  }

  #onResponse(f: Record<string, unknown>): void {
    const pending = this.#pending.get(f.id as string);
    if (!pending) {
      this.#log.debug(`response for unknown or expired request ${String(f.id)}`);
      return;
    }
    this.#pending.delete(f.id as string);
    clearTimeout(pending.timer);
    if (f.ok === true) {
      pending.resolve(f.result ?? {});
      return;
    }
    const error = (f.error ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
    const code = isErrorCode(error.code) ? error.code : 'INTERNAL_ERROR';
    const message = typeof error.message === 'string' ? error.message : `${pending.type} failed`;
    pending.reject(new ParleyError(code, message, { details: error.details }));
  }

  #onClose(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#heartbeat?.stop();
    const clean = this.#closing;
    this.#abortConnect?.(new ParleyError('CONNECTION_CLOSED', 'The connection closed while opening'));
    this.#rejectAll(`The connection closed (${code}${reason ? ` ${reason}` : ''})`);
    if (this.#socket) {
      this.#socket.onopen = this.#socket.onmessage = this.#socket.onclose = null;
      this.#socket.onerror = () => undefined; // an error after close must not go unhandled (Node's ws)
    }
    this.#log.debug(`closed ${code} ${reason}`);
    this.emit('@close', { code, reason, clean });
  }

  #rejectAll(message: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(new ParleyError('CONNECTION_CLOSED', `${message}; ${p.type} got no answer`));
    }
  }
}
