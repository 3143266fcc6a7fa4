import { randomBytes } from 'node:crypto';
import { ParleyError } from '@parley/protocol';
import WebSocket from 'ws';
import { type Logger, noopLogger } from '../util/logger.ts';
import { JanusSession } from './janus-session.ts';
import { janusError } from './janus-errors.ts';
import type { JanusMessage, JanusRequester, RequestOptions } from './janus-types.ts';
import { TypedEmitter } from '@parley/protocol';
import { reportTo } from '../util/listener-errors.ts';
import { DEFAULTS } from '../defaults.ts';

export interface JanusClientOptions {
  /** How long a request may wait for its answer (and an async one for its event); default DEFAULTS.janusRequestTimeoutMs. */
  requestTimeoutMs?: number;
  /** How long the WebSocket handshake may take. */
  connectTimeoutMs?: number;
  logger?: Logger;
}

export interface JanusClientEvents {
  /** The WebSocket closed; every pending request was rejected with MEDIA_UNAVAILABLE. */
  closed: [info: { code: number; reason: string }];
}

interface Pending {
  resolve: (msg: JanusMessage) => void;
  reject: (err: ParleyError) => void;
  timer: NodeJS.Timeout;
  waitForEvent: boolean;
  what: string;
}

/**
 * Our own thin client for the Janus WebSocket API: one socket, transactions
 * with timeouts, and routing of unsolicited messages to sessions and handles.
 * We keep it small instead of using janode so that errors, timeouts and
 * close behaviour are exactly the ones the session layer relies on.
 */
export class JanusClient extends TypedEmitter<JanusClientEvents> implements JanusRequester {
  readonly url: string;
  readonly log: Logger;
  readonly #ws: WebSocket;
  readonly #timeoutMs: number;
  readonly #pending = new Map<string, Pending>();
  readonly #sessions = new Map<number, JanusSession>();
  // A random prefix keeps transaction ids unique across reconnects and clients.
  readonly #txPrefix = randomBytes(4).toString('hex');
  #txCounter = 0;
  #closed = false;

  private constructor(url: string, ws: WebSocket, opts: JanusClientOptions) {
    const log = opts.logger ?? noopLogger;
    super(reportTo(log));
    this.url = url;
    this.log = log;
    this.#ws = ws;
    this.#timeoutMs = opts.requestTimeoutMs ?? DEFAULTS.janusRequestTimeoutMs;
    ws.on('message', (raw) => this.#onMessage(raw.toString()));
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString()));
    // After open, errors are always followed by 'close', where we clean up.
    ws.on('error', (err) => this.log.warn({ err, url }, 'janus websocket error'));
  }

  /** Opens the socket; rejects with MEDIA_UNAVAILABLE if Janus is not there. */
  static connect(url: string, opts: JanusClientOptions = {}): Promise<JanusClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'janus-protocol', { handshakeTimeout: opts.connectTimeoutMs ?? 5_000 });
      const fail = (err: unknown): void => {
        ws.removeAllListeners();
        ws.on('error', () => {}); // a late error must not crash the process
        ws.terminate();
        reject(new ParleyError('MEDIA_UNAVAILABLE', `Cannot connect to Janus at ${url}`, { cause: err }));
      };
      ws.once('error', fail);
      ws.once('close', (code) => fail(new Error(`closed with ${code} before open`)));
      ws.once('open', () => {
        ws.removeAllListeners();
        resolve(new JanusClient(url, ws, opts));
      });
    });
  }

  get isOpen(): boolean {
    return !this.#closed && this.#ws.readyState === WebSocket.OPEN;
  }

  /**
   * Sends one Janus API message with a fresh transaction and resolves with
   * the answer. Janus `error` answers reject with MEDIA_ERROR.
   */
  request(msg: Record<string, unknown>, opts: RequestOptions = {}): Promise<JanusMessage> {
    const what = String(msg.janus);
    if (!this.isOpen) {
      return Promise.reject(new ParleyError('MEDIA_UNAVAILABLE', `Janus connection is closed (${what})`));
    }
    const transaction = `${this.#txPrefix}-${++this.#txCounter}`;
    const timeoutMs = opts.timeoutMs ?? this.#timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(transaction);
        reject(new ParleyError('MEDIA_TIMEOUT', `Janus did not answer ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(transaction, { resolve, reject, timer, waitForEvent: opts.waitForEvent ?? false, what });
      this.#ws.send(JSON.stringify({ ...msg, transaction }), (err) => {
        if (!err) return;
        const pending = this.#pending.get(transaction);
        if (!pending) return;
        clearTimeout(pending.timer);
        this.#pending.delete(transaction);
        reject(new ParleyError('MEDIA_UNAVAILABLE', `Cannot send ${what} to Janus`, { cause: err }));
      });
    });
  }

  /** The server's `info` answer (version, plugins, transports). */
  async info(): Promise<JanusMessage> {
    return this.request({ janus: 'info' });
  }

  async createSession(): Promise<JanusSession> {
    const answer = await this.request({ janus: 'create' });
    const id = answer.data?.id;
    if (typeof id !== 'number') throw janusError(undefined, 'create answered without a session id', 'create');
    const session = new JanusSession(this, id, this.log.child({ janusSession: id }));
    this.#sessions.set(id, session);
    session.on('gone', () => this.#sessions.delete(id));
    return session;
  }

  /** Closes the socket; resolves once it is closed (pending requests are rejected). */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.once('closed', () => resolve());
      this.#ws.close();
      // A peer that never completes the closing handshake must not block us.
      setTimeout(() => this.#ws.terminate(), 1_000).unref();
    });
  }

  #onMessage(text: string): void {
    let msg: JanusMessage;
    try {
      msg = JSON.parse(text) as JanusMessage;
    } catch (err) {
      this.log.warn({ err, text: text.slice(0, 200) }, 'janus sent invalid JSON');
      return;
    }
    const pending = msg.transaction === undefined ? undefined : this.#pending.get(msg.transaction);
    if (pending && msg.transaction !== undefined) {
      if (msg.janus === 'ack' && pending.waitForEvent) return; // the event follows
      clearTimeout(pending.timer);
      this.#pending.delete(msg.transaction);
      if (msg.janus === 'error') pending.reject(janusError(msg.error?.code, msg.error?.reason, pending.what));
      else pending.resolve(msg);
      return;
    }
    if (msg.janus === 'ack') return; // e.g. an ack for a request that already timed out
    const session = msg.session_id === undefined ? undefined : this.#sessions.get(msg.session_id);
    if (session) session.dispatch(msg);
    else this.log.debug({ msg }, 'janus message for no known session');
  }

  #onClose(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [tx, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new ParleyError('MEDIA_UNAVAILABLE', `Janus connection closed during ${pending.what}`));
      this.#pending.delete(tx);
    }
    for (const session of [...this.#sessions.values()]) session.connectionClosed();
    this.#sessions.clear();
    this.log.info({ code, reason, url: this.url }, 'janus connection closed');
    this.emit('closed', { code, reason });
  }
}
