/** What a CallSession is made from (ParleyCalls.startSession fills it in). */
import type { CallSettings } from '../api/call-settings.ts';
import type { VideoCodec } from '../media/browser-support.ts';
import type { MediaHandler } from '../media/media-handler.ts';
import type { EarlySignaling } from './early-signaling.ts';
import type { ReconnectPolicy } from './reconnect-policy.ts';
import type { SessionViewFactory } from './session-view.ts';
import type { WebSocketConstructor } from './signaling-client.ts';

export interface CallSessionOptions {
  serverUrl: string;
  /** The call token's JWT. */
  token: string;
  /** The session the token is for; the server checks they match. */
  sessionId?: string;
  settings: CallSettings;
  /**
   * Builds what draws the session (api/ composes the default UI or the plain layout); none for a
   * headless session. It may still be loading (its code is a chunk of its own): the join goes out
   * meanwhile, and the view is built before the join is taken.
   */
  view?: SessionViewFactory | Promise<SessionViewFactory>;
  media: MediaHandler;
  WebSocket?: WebSocketConstructor;
  rtcConfig?: RTCConfiguration;
  /** The video codec our publisher offers first; default VP8. */
  videoCodec?: VideoCodec;
  requestTimeoutMs?: number;
  /** When to try resuming after the signaling socket dropped; default BackoffReconnectPolicy. */
  reconnectPolicy?: ReconnectPolicy;
  /** A socket opened ahead (at generateToken) that the session adopts instead of opening its own. */
  earlySignaling?: EarlySignaling;
}
