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
    await app.register(websocket, { options: { maxPayload: DEFAULTS.wsMaxFrameBytes } });
    app.get('/v1/ws', { websocket: true }, (socket) => {
      const log = deps.log.child({ conn: ++connectionCounter });
      new ClientConnection(socket, deps, log);
    });
  };
}
