/**
 * The seed's static API (`CometChatCalls.*`): init, tokens, sessions and the in-call
 * methods. Each call is a CallSession; the static methods act on the current one (the
 * last started), so a page may also hold several. The ringing flow and the call
 * log are ParleyRinging's.
 */
import { type CallToken, ParleyError } from '@parley/protocol';
import { BrowserMediaHandler } from '../media/browser-media-handler.ts';
import { preferredVideoCodec, requireWebRtc, VIDEO_CODECS, type VideoCodec, warmUpWebRtc } from '../media/browser-support.ts';
import type { MediaHandler } from '../media/media-handler.ts';
import { CallSession } from '../session/call-session.ts';
import { EarlySignaling } from '../session/early-signaling.ts';
import type { ReconnectPolicy } from '../session/reconnect-policy.ts';
import { SignalingClient, signalingUrl, type WebSocketConstructor } from '../session/signaling-client.ts';
import { DEFAULTS } from '../defaults.ts';
import { consoleLogger, type Logger, setLogger } from '../util/logger.ts';
import { type CallSettings, CallSettingsBuilder, defaultCallSettings } from './call-settings.ts';
import type { AudioMode } from './events.ts';
import { type GenerateTokenOptions, requestCallToken } from './generate-token.ts';
import { currentConfig, requireConfig, setConfig } from './sdk-config.ts';
import { viewFor } from './session-views.ts';

export interface ParleyInitOptions {
  /** Where the Parley server runs, e.g. `https://calls.example.com`. */
  serverUrl: string;
  /** Replaces the console logger. */
  logger?: Logger;
  /** Turns on debug lines of the default logger. */
  debug?: boolean;
  /** ICE servers for the peer connections (none needed when Janus is reachable directly). */
  iceServers?: RTCIceServer[];
  /**
   * `'relay'`: media only through TURN (the server's, from its join answer), never a direct
   * path — to hide users' addresses from the media server, or to test TURN. Default `'all'`.
   */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /**
   * When to try resuming after the connection to the server dropped (pauses,
   * jitter, when to give up); default `BackoffReconnectPolicy` with the numbers
   * in defaults.ts.
   */
  reconnectPolicy?: ReconnectPolicy;
  /**
   * The video codec to publish with: `'vp8'` or `'h264'` (rooms accept both;
   * each subscriber gets what its publisher sends). Default: H.264 on Safari
   * and iOS (hardware encoder), VP8 elsewhere.
   */
  videoCodec?: VideoCodec;
  /** For tests and unusual platforms. */
  mediaHandler?: MediaHandler;
  WebSocket?: WebSocketConstructor;
}

let current: CallSession | undefined;

function requireSession(): CallSession {
  if (!current || current.state === 'ended' || current.state === 'ending') {
    throw new ParleyError('NO_ACTIVE_SESSION');
  }
  return current;
}

/** Runs `fn` on the current session; a missing session becomes a rejected promise. */
function onSession<T>(fn: (session: CallSession) => Promise<T>): Promise<T> {
  try {
    return fn(requireSession());
  } catch (error) {
    return Promise.reject(error);
  }
}

// biome-ignore lint/complexity/noStaticOnlyClass: the static API mirrors the seed (CometChatCalls.*)
export class ParleyCalls {
  /** `new ParleyCalls.CallSettingsBuilder()`, as in the seed. */
  static readonly CallSettingsBuilder = CallSettingsBuilder;

  static init(options: ParleyInitOptions): void {
    if (!options || typeof options.serverUrl !== 'string') {
      throw new ParleyError('VALIDATION_FAILED', 'init expects { serverUrl }');
    }
    let url: URL;
    try {
      url = new URL(options.serverUrl);
    } catch (error) {
      throw new ParleyError('VALIDATION_FAILED', `serverUrl is not a URL: ${options.serverUrl}`, { cause: error });
    }
    const policy = options.reconnectPolicy;
    if (policy !== undefined && typeof policy?.nextRetryDelayMs !== 'function') {
      throw new ParleyError('VALIDATION_FAILED', 'reconnectPolicy must have a nextRetryDelayMs(context) method');
    }
    if (options.iceTransportPolicy !== undefined && options.iceTransportPolicy !== 'all' && options.iceTransportPolicy !== 'relay') {
      throw new ParleyError('VALIDATION_FAILED', "iceTransportPolicy must be 'all' or 'relay'");
    }
    if (options.videoCodec !== undefined && !VIDEO_CODECS.includes(options.videoCodec)) {
      throw new ParleyError('VALIDATION_FAILED', `videoCodec must be one of ${VIDEO_CODECS.join(', ')}`);
    }
    setLogger(options.logger ?? consoleLogger({ debug: options.debug ?? false }));
    currentConfig()?.earlySignaling.close();
    const serverUrl = url.toString().replace(/\/+$/, '');
    setConfig({
      serverUrl,
      media: options.mediaHandler,
      WebSocket: options.WebSocket,
      rtcConfig: {
        bundlePolicy: 'max-bundle',
        ...(options.iceServers ? { iceServers: options.iceServers } : {}),
        ...(options.iceTransportPolicy ? { iceTransportPolicy: options.iceTransportPolicy } : {}),
      },
      reconnectPolicy: policy,
      videoCodec: options.videoCodec ?? preferredVideoCodec(globalThis.navigator?.userAgent ?? ''),
      earlySignaling: new EarlySignaling(() => new SignalingClient(signalingUrl(serverUrl), { WebSocket: options.WebSocket }), DEFAULTS.earlySignalingIdleMs),
    });
  }

  static get isInitialized(): boolean {
    return currentConfig() !== undefined;
  }

  /**
   * A call token for `sessionId`, for the user `authToken` belongs to. A session is likely
   * to start next: its signaling socket opens meanwhile, for startSession to adopt, and the
   * browser sets its WebRTC engine up (one peer connection made and closed; not with an app's
   * own media handler).
   */
  static async generateToken(authToken: string, sessionId: string, options?: GenerateTokenOptions): Promise<CallToken> {
    const { serverUrl, earlySignaling, media } = requireConfig();
    const token = requestCallToken(serverUrl, authToken, sessionId, options);
    earlySignaling.open();
    if (!media) warmUpWebRtc();
    return token;
  }

  /**
   * Joins the session the token is for and renders it into `element`. Receiving comes first:
   * the camera and microphone are asked for once the others' media has begun to arrive (a
   * moment at most), and never when the join fails. Resolves once we publish.
   */
  static async startSession(callToken: CallToken | string, callSettings: CallSettings | undefined, element: HTMLElement): Promise<CallSession> {
    const cfg = requireConfig();
    const token = typeof callToken === 'string' ? callToken : callToken?.token;
    if (typeof token !== 'string' || token.length === 0) {
      throw new ParleyError('VALIDATION_FAILED', 'startSession expects a call token (from generateToken)');
    }
    if (!element || typeof (element as { appendChild?: unknown }).appendChild !== 'function') {
      throw new ParleyError('VALIDATION_FAILED', 'startSession expects an HTMLElement to render into');
    }
    // Before anything is opened: no camera, microphone or socket in a browser that cannot call.
    if (!cfg.media) requireWebRtc();
    const settings = callSettings ?? defaultCallSettings();
    // The layout's chunk loads while the session connects and joins (a failed load ends the session, which leaves).
    const view = viewFor(settings, element);
    const session = new CallSession({
      serverUrl: cfg.serverUrl,
      token,
      ...(typeof callToken === 'object' && callToken.sessionId ? { sessionId: callToken.sessionId } : {}),
      settings,
      view,
      media: cfg.media ?? new BrowserMediaHandler(),
      ...(cfg.WebSocket ? { WebSocket: cfg.WebSocket } : {}),
      rtcConfig: cfg.rtcConfig,
      videoCodec: cfg.videoCodec,
      ...(cfg.reconnectPolicy ? { reconnectPolicy: cfg.reconnectPolicy } : {}),
      earlySignaling: cfg.earlySignaling,
    });
    current = session;
    try {
      await session.start();
    } catch (error) {
      if (current === session) current = undefined;
      throw error;
    }
    return session;
  }

  /** The current session (the last started), if any. */
  static getActiveSession(): CallSession | undefined {
    return current && current.state !== 'ended' ? current : undefined;
  }

  static endSession(): Promise<void> {
    const session = current;
    current = undefined;
    return session ? session.endSession() : Promise.resolve();
  }

  static audioMuted(muted: boolean): Promise<void> {
    return onSession((s) => s.audioMuted(muted));
  }

  static videoPaused(paused: boolean): Promise<void> {
    return onSession((s) => s.videoPaused(paused));
  }

  static switchCamera(): Promise<void> {
    return onSession((s) => s.switchCamera());
  }

  static setAudioMode(mode: AudioMode): Promise<void> {
    return onSession((s) => s.setAudioMode(mode));
  }

  static getAudioOutputModes(): Promise<AudioMode[]> {
    return onSession((s) => s.getAudioOutputModes());
  }

  static enterPIPMode(): Promise<void> {
    return onSession((s) => s.enterPIPMode());
  }

  static exitPIPMode(): Promise<void> {
    return onSession((s) => s.exitPIPMode());
  }

  static startRecording(): Promise<void> {
    return onSession((s) => s.startRecording());
  }

  static stopRecording(): Promise<void> {
    return onSession((s) => s.stopRecording());
  }

  /** Shares the screen in the current session (see CallSession.startScreenShare). */
  static startScreenShare(): Promise<void> {
    return onSession((s) => s.startScreenShare());
  }

  static stopScreenShare(): Promise<void> {
    return onSession((s) => s.stopScreenShare());
  }

  /** Asks the others to switch the current audio call to video (see CallSession.switchToVideoCall). */
  static switchToVideoCall(): Promise<void> {
    return onSession((s) => s.switchToVideoCall());
  }

  /** Accepts a request to switch to video (onCallSwitchToVideoRequested). */
  static acceptVideoSwitch(): Promise<void> {
    return onSession((s) => s.acceptVideoSwitch());
  }

  /** Declines a request to switch to video; the asker gets onCallSwitchToVideoDeclined. */
  static declineVideoSwitch(): Promise<void> {
    return onSession((s) => s.declineVideoSwitch());
  }

  /** "Stay" in the idle warning (onIdleWarning): the idle countdown starts again. */
  static stayInSession(): Promise<void> {
    return onSession((s) => s.stayInSession());
  }

  /** For tests: forget the configuration and the current session (`ParleyRinging.reset()` forgets its client). */
  static reset(): void {
    currentConfig()?.earlySignaling.close();
    setConfig(undefined);
    current = undefined;
    setLogger(undefined);
  }
}
