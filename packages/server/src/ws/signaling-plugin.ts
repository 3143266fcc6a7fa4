/** The signaling WebSocket at /v1/ws, as a fastify plugin. */
import websocket from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import { DEFAULTS } from '../defaults.ts';
import { closeWithin } from './bounded-close.ts';
import { ClientConnection } from './client-connection.ts';
import type { SignalingDeps } from './request-context.ts';
import { type HeartbeatTimings, SocketHeartbeat } from './socket-heartbeat.ts';

let connectionCounter = 0;

export interface SocketTimings {
  /** Silent sockets are pinged and, silent too long, terminated (config `wsHeartbeat`). */
  heartbeat: HeartbeatTimings;
  /** As the server stops, how long a socket's close handshake may take before it is cut. */
  closeHandshakeMs?: number;
}

export function signalingPlugin(deps: SignalingDeps, timings: SocketTimings = { heartbeat: DEFAULTS.wsHeartbeat }): FastifyPluginAsync {
  return async (app) => {
    const heartbeat = new SocketHeartbeat(timings.heartbeat);
    await app.register(websocket, {
      options: { maxPayload: DEFAULTS.wsMaxFrameBytes },
      // For a protocol error (a frame over maxPayload, a bad opcode) `ws` has already sent
      // the close frame with its code (1009, 1002): let that close finish rather than cut
      // the socket (1006 at the client). Anything else ends the connection at once.
      errorHandler: (error, socket) => {
        deps.log.debug({ err: error }, 'websocket error');
        if (!(error as { code?: unknown }).code?.toString().startsWith('WS_ERR_')) socket.terminate();
      },
      // Instead of `ws`'s close, which waits 30 s for each vanished client's close frame.
      preClose: async function (this: typeof app) {
        // First no more upgrades, as the plugin's own preClose (replaced here) does: a client whose
        // socket closes now reconnects at once, and its upgrade, taken by the plugin while the app
        // closes, is answered 503 on a socket nobody ends — the HTTP server's close then waits for
        // that client forever. Without a listener Node makes it a plain request: 503, socket closed.
        this.server.removeAllListeners('upgrade');
        heartbeat.close();
        await closeWithin(this.websocketServer.clients, timings.closeHandshakeMs ?? DEFAULTS.wsCloseHandshakeMs);
        await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()));
      },
    });
    app.get('/v1/ws', { websocket: true }, (socket, request) => {
      const log = deps.log.child({ conn: ++connectionCounter });
      const { turn } = deps;
      const iceServers = turn ? (uid: string) => turn.iceServersFor(uid, request.headers.host) : undefined;
      heartbeat.watch(socket);
      new ClientConnection(socket, { ...deps, iceServers }, log);
    });
  };
}
