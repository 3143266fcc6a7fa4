/**
 * Where Janus's WebSocket event handler (libjanus_wsevh) connects: a WebSocket
 * server at a path holding a secret token (anyone else could otherwise feed us
 * stats) — for the embedded Janus on loopback with a random token, for
 * `JANUS_URLS` nodes where PARLEY_JANUS_EVENTS_ADDRESS says, with JANUS_ADMIN_KEY
 * as the token. Janus connects to it as a client and reconnects by itself after
 * a drop (1 s, doubling), so this listens before Janus starts and keeps its port
 * across Janus restarts.
 *
 * Why the event handler rather than polling the Admin API's `handle_info`:
 * Janus pushes every handle's stats on its own timer from the handle's loop,
 * one small JSON per handle, over one connection; polling would cost a request
 * per handle per period, each answered with the whole handle (SDP, ICE,
 * buffers), and would need the Admin API opened. Of the two shipped handlers
 * that need no broker, the WebSocket one keeps one connection open, where the
 * HTTP one (sampleevh) makes a new POST for each batch.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { TypedEmitter } from '@parley/protocol';
import { WebSocketServer } from 'ws';
import { reportTo } from '../util/listener-errors.ts';
import { type Logger, noopLogger } from '../util/logger.ts';
import { type HandleStats, parseJanusEvents } from './janus-events.ts';

/** The subprotocol wsevh asks for (its default). */
const SUBPROTOCOL = 'janus-event-handlers';
/** A grouped message holds at most 100 events of a few hundred bytes each. */
const MAX_MESSAGE_BYTES = 1 << 20;

export interface JanusEventsServerEvents {
  stats: [stats: HandleStats];
}

export interface JanusEventsListen {
  host: string;
  /** 0: any free port. */
  port: number;
  /** The secret part of the path. */
  token: string;
}

const LOOPBACK: JanusEventsListen = { host: '127.0.0.1', port: 0, token: '' };

export class JanusEventsServer extends TypedEmitter<JanusEventsServerEvents> {
  readonly #wss: WebSocketServer;
  readonly #path: string;
  readonly #log: Logger;
  #rejected = 0;

  private constructor(wss: WebSocketServer, path: string, log: Logger) {
    super(reportTo(log));
    this.#wss = wss;
    this.#path = path;
    this.#log = log;
    wss.on('connection', (ws) => {
      log.info('janus event handler connected');
      ws.on('message', (data) => this.#received(String(data)));
      ws.on('close', () => log.info('janus event handler disconnected'));
    });
  }

  /** Listens where `at` says; by default on 127.0.0.1 at a free port, with a random token. */
  static async listen(log: Logger = noopLogger, at: JanusEventsListen = LOOPBACK): Promise<JanusEventsServer> {
    const path = `/janus-events/${encodeURIComponent(at.token || randomBytes(18).toString('base64url'))}`;
    const wss = new WebSocketServer({
      host: at.host,
      port: at.port,
      path,
      maxPayload: MAX_MESSAGE_BYTES,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    return new JanusEventsServer(wss, path, log);
  }

  /** What Janus's `backend` setting gets. */
  get url(): string {
    const { address, port } = this.#wss.address() as AddressInfo;
    return `ws://${address}:${port}${this.#path}`;
  }

  /** Events refused so far (malformed, out of range): for tests and diagnostics. */
  get rejected(): number {
    return this.#rejected;
  }

  #received(text: string): void {
    const { stats, rejected } = parseJanusEvents(text);
    if (rejected > 0) {
      this.#rejected += rejected;
      this.#log.warn({ rejected }, 'janus events refused');
    }
    for (const s of stats) this.emit('stats', s);
  }

  close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }
}
