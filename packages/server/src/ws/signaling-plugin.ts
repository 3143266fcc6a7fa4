/** The signaling WebSocket at /v1/ws, as a fastify plugin. */
import websocket from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import { DEFAULTS } from '../defaults.ts';
import { ClientConnection } from './client-connection.ts';
import type { SignalingDeps } from './request-context.ts';

let connectionCounter = 0;

export function signalingPlugin(deps: SignalingDeps): FastifyPluginAsync {
  return async (app) => {
    await app.register(websocket, {
      options: { maxPayload: DEFAULTS.wsMaxFrameBytes },
      // For a protocol error (a frame over maxPayload, a bad opcode) `ws` has already sent
      // the close frame with its code (1009, 1002): let that close finish rather than cut
      // the socket (1006 at the client). Anything else ends the connection at once.
      errorHandler: (error, socket) => {
        deps.log.debug({ err: error }, 'websocket error');
        if (!(error as { code?: unknown }).code?.toString().startsWith('WS_ERR_')) socket.terminate();
      },
    });
    app.get('/v1/ws', { websocket: true }, (socket, request) => {
      const log = deps.log.child({ conn: ++connectionCounter });
      const { turn } = deps;
      const iceServers = turn ? (uid: string) => turn.iceServersFor(uid, request.headers.host) : undefined;
      new ClientConnection(socket, { ...deps, iceServers }, log);
    });
  };
}
