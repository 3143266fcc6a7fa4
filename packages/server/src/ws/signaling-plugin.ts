/** The signaling WebSocket at /v1/ws, as a fastify plugin. */
import websocket from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { RingingService } from '../calls/ringing-service.ts';
import { DEFAULTS } from '../defaults.ts';
import type { RecordingController } from '../recording/recording-controller.ts';
import type { SessionRegistry } from '../sessions/session-registry.ts';
import { ClientConnection } from './client-connection.ts';

export interface SignalingDeps {
  registry: SessionRegistry;
  tokenSecret: Uint8Array;
  log: Logger;
  /** Absent: recording requests answer INVALID_STATE. */
  recording?: RecordingController;
  /** The ringing flow's user channels; absent: `user.login` and `call.*` answer INVALID_STATE. */
  ringing?: RingingService;
}

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
    app.get('/v1/ws', { websocket: true }, (socket) => {
      const log = deps.log.child({ conn: ++connectionCounter });
      new ClientConnection(socket, deps, log);
    });
  };
}
