/**
 * What `ParleyCalls.init` configures, read by both static APIs: ParleyCalls (sessions) and
 * ParleyRinging (the ringing flow), so one init serves both and neither imports the other.
 */
import { ParleyError } from '@parley/protocol';
import type { VideoCodec } from '../media/browser-support.ts';
import type { MediaHandler } from '../media/media-handler.ts';
import type { EarlySignaling } from '../session/early-signaling.ts';
import type { ReconnectPolicy } from '../session/reconnect-policy.ts';
import type { WebSocketConstructor } from '../session/signaling-client.ts';

export interface SdkConfig {
  serverUrl: string;
  media: MediaHandler | undefined;
  WebSocket: WebSocketConstructor | undefined;
  rtcConfig: RTCConfiguration;
  reconnectPolicy: ReconnectPolicy | undefined;
  videoCodec: VideoCodec;
  /** The signaling socket generateToken opens for the session that follows (session/early-signaling.ts). */
  earlySignaling: EarlySignaling;
}

let config: SdkConfig | undefined;

export function currentConfig(): SdkConfig | undefined {
  return config;
}

export function setConfig(next: SdkConfig | undefined): void {
  config = next;
}

export function requireConfig(): SdkConfig {
  if (!config) throw new ParleyError('NOT_INITIALIZED', 'Call ParleyCalls.init({ serverUrl }) first');
  return config;
}
