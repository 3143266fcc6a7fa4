/**
 * The Node server under fastify: HTTP, or HTTPS when PARLEY_TLS_CERT/KEY are
 * set — and, when a TURN server sits behind this port, a look at the first
 * bytes of each connection (after TLS, if any) to tell TURN from HTTP.
 *
 * One port for everything: firewalls that pass only TCP 443 pass the server's
 * own port, so TURN must be reachable there. A STUN/TURN message starts with
 * two zero bits (its type is below 0x4000; a client's first message is a
 * Binding or Allocate request, 0x0001/0x0003), an HTTP request with a method
 * name in ASCII letters; so one byte decides. TURN connections are piped to
 * coturn's TCP port; `turns:` on this port is TLS we end here, then TURN.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import type { Logger } from '../util/logger.ts';

/** Where TURN over TCP is handed to (coturn's own TCP listener). */
export interface TurnBackend {
  host: string;
  port: number;
}

export interface HttpServerOptions {
  tls: { cert: Buffer; key: Buffer } | undefined;
  /** Read when a connection arrives: TURN may start after the server. */
  turnBackend: () => TurnBackend | undefined;
  log: Logger;
}

/** How long a connection may stay silent before its first byte decides what it is. */
const FIRST_BYTE_TIMEOUT_MS = 30_000;

/** The first byte of a STUN/TURN message: its two top bits are zero. */
export function isTurnFirstByte(byte: number): boolean {
  return byte < 0x40;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** For fastify's `serverFactory`. */
export function createParleyServer(handler: Handler, opts: HttpServerOptions): Server {
  const server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createHttpServer(handler);
  // The event on which Node hands a (decrypted) socket to its HTTP parser.
  const event = opts.tls ? 'secureConnection' : 'connection';
  const [httpListener] = server.listeners(event) as Array<(socket: Socket) => void>;
  if (!httpListener) throw new Error(`no ${event} listener on the HTTP server`);
  server.removeListener(event, httpListener);
  server.on(event, (socket: Socket) => {
    const backend = opts.turnBackend();
    if (!backend) {
      httpListener.call(server, socket);
      return;
    }
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    socket.once('readable', () => {
      socket.setTimeout(0);
      const first = socket.read(1) as Buffer | null;
      if (first === null) {
        socket.destroy();
        return;
      }
      socket.unshift(first);
      if (isTurnFirstByte(first[0] as number)) pipeToTurn(socket, backend, opts.log);
      else httpListener.call(server, socket);
    });
  });
  return server as Server;
}

function pipeToTurn(client: Socket, backend: TurnBackend, log: Logger): void {
  const turn = connect({ host: backend.host, port: backend.port });
  turn.setNoDelay(true);
  client.setNoDelay?.(true);
  const close = () => {
    client.destroy();
    turn.destroy();
  };
  turn.on('error', (error) => {
    log.debug({ err: error }, 'TURN backend connection failed');
    close();
  });
  client.on('error', close);
  client.on('close', close);
  turn.on('close', close);
  client.pipe(turn);
  turn.pipe(client);
}
