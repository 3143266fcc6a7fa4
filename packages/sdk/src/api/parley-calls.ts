/**
 * The seed's static API. Each call is a CallSession; the static methods act on
 * the current one (the last started), so a page may also hold several.
 */
import { type CallToken, ParleyError } from '@parley/protocol';
import { type CallLog, type CallLogPage, type CallLogRequest, fetchCallDetails, fetchCallLogs } from '../calls/call-logs.ts';
import type { Call, CallListener, InitiateCallOptions } from '../calls/call-listener.ts';
import { RingingClient } from '../calls/ringing-client.ts';
import { BrowserMediaHandler } from '../media/browser-media-handler.ts';
import { preferredVideoCodec, requireWebRtc, VIDEO_CODECS, type VideoCodec } from '../media/browser-support.ts';
import type { MediaHandler } from '../media/media-handler.ts';
import { CallSession } from '../session/call-session.ts';
import { EarlySignaling } from '../session/early-signaling.ts';
import type { ReconnectPolicy } from '../session/reconnect-policy.ts';
import { SignalingClient, signalingUrl, type WebSocketConstructor } from '../session/signaling-client.ts';
import { RingingScreen, type RingingScreenOptions } from '../ui/default/ringing-screen.ts';
import { DEFAULTS } from '../defaults.ts';
import { consoleLogger, type Logger, setLogger } from '../util/logger.ts';
import { type CallSettings, CallSettingsBuilder, defaultCallSettings } from './call-settings.ts';
import type { AudioMode } from './events.ts';
import { type GenerateTokenOptions, requestCallToken } from './generate-token.ts';
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

interface Config {
  serverUrl: string;
  media: MediaHandler | undefined;
  WebSocket: WebSocketConstructor | undefined;
  rtcConfig: RTCConfiguration;
  reconnectPolicy: ReconnectPolicy | undefined;
  videoCodec: VideoCodec;
  /** The signaling socket generateToken opens for the session that follows (session/early-signaling.ts). */
  earlySignaling: EarlySignaling;
}

let config: Config | undefined;
let current: CallSession | undefined;
/** The ringing flow's user channel and call listeners (calls/ringing-client.ts). */
let ringing: RingingClient | undefined;

function requireRinging(): RingingClient {
  const cfg = requireConfig();
  ringing ??= new RingingClient({ serverUrl: cfg.serverUrl, ...(cfg.WebSocket ? { WebSocket: cfg.WebSocket } : {}) });
  return ringing;
}

/** Runs `fn` on the ringing client; a missing init becomes a rejected promise. */
function onRinging<T>(fn: (r: RingingClient) => Promise<T>): Promise<T> {
  try {
    return fn(requireRinging());
  } catch (error) {
    return Promise.reject(error);
  }
}

function requireConfig(): Config {
  if (!config) throw new ParleyError('NOT_INITIALIZED', 'Call ParleyCalls.init({ serverUrl }) first');
  return config;
}

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
    config?.earlySignaling.close();
    const serverUrl = url.toString().replace(/\/+$/, '');
    config = {
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
    };
  }

  static get isInitialized(): boolean {
    return config !== undefined;
  }

  /**
   * A call token for `sessionId`, for the user `authToken` belongs to. A session is likely
   * to start next: its signaling socket opens meanwhile, for startSession to adopt.
   */
  static async generateToken(authToken: string, sessionId: string, options?: GenerateTokenOptions): Promise<CallToken> {
    const { serverUrl, earlySignaling } = requireConfig();
    const token = requestCallToken(serverUrl, authToken, sessionId, options);
    earlySignaling.open();
    return token;
  }

  /** Joins the session the token is for and renders it into `element`. */
  static async startSession(callToken: CallToken | string, callSettings: CallSettings | undefined, element: HTMLElement): Promise<CallSession> {
    const cfg = requireConfig();
    const token = typeof callToken === 'string' ? callToken : callToken?.token;
    if (typeof token !== 'string' || token.length === 0) {
      throw new ParleyError('VALIDATION_FAILED', 'startSession expects the call token from generateToken (or its token string)');
    }
    if (!element || typeof (element as { appendChild?: unknown }).appendChild !== 'function') {
      throw new ParleyError('VALIDATION_FAILED', 'startSession expects an HTMLElement to render into');
    }
    // Before anything is opened: no camera, microphone or socket in a browser that cannot call.
    if (!cfg.media) requireWebRtc();
    const settings = callSettings ?? defaultCallSettings();
    // The default UI's chunk loads before the join (a failed load leaves nothing behind).
    const view = await viewFor(settings, element);
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

  // ——— the ringing flow (a user channel on the same WebSocket) and call logs ———

  /** Opens this tab's user channel: calls to the auth token's user ring here. */
  static login(authToken: string): Promise<{ uid: string }> {
    return onRinging((r) => r.login(authToken));
  }

  /** Closes the user channel; calls no longer ring in this tab. */
  static logout(): void {
    ringing?.logout();
  }

  /** Rings `receiverUid`. Resolves with the call (status `initiated`, or `busy` at once). */
  static initiateCall(options: InitiateCallOptions): Promise<Call> {
    return onRinging((r) => r.initiateCall(options));
  }

  static acceptCall(sessionId: string): Promise<Call> {
    return onRinging((r) => r.acceptCall(sessionId));
  }

  static rejectCall(sessionId: string, status: 'rejected' | 'busy' = 'rejected'): Promise<Call> {
    return onRinging((r) => r.rejectCall(sessionId, status));
  }

  /** The caller gives up; the receiver gets onIncomingCallCancelled. */
  static cancelCall(sessionId: string): Promise<Call> {
    return onRinging((r) => r.cancelCall(sessionId));
  }

  /** Ends an answered call for both (default: the active call). Then `clearActiveCall()` and `endSession()`. */
  static endCall(sessionId?: string): Promise<Call> {
    return onRinging((r) => r.endCall(sessionId));
  }

  static getActiveCall(): Call | null {
    return ringing?.getActiveCall() ?? null;
  }

  static clearActiveCall(): void {
    ringing?.clearActiveCall();
  }

  /** Listens to the ringing flow under `id` (a second add with the same id replaces the first). */
  static addCallListener(id: string, listener: CallListener): void {
    requireRinging().addCallListener(id, listener);
  }

  static removeCallListener(id: string): void {
    ringing?.removeCallListener(id);
  }

  /**
   * The default incoming ("Accept / Decline") and outgoing ("Calling … / Cancel") screens,
   * shown over the page while a call rings. `onAccepted(call)` fires on both sides once
   * it is answered: start the direct session there. `close()` removes it.
   */
  static renderCallScreen(element: HTMLElement, options: RingingScreenOptions = {}): RingingScreen {
    if (!element || typeof (element as { appendChild?: unknown }).appendChild !== 'function') {
      throw new ParleyError('VALIDATION_FAILED', 'renderCallScreen expects an HTMLElement to render into');
    }
    const r = requireRinging();
    return new RingingScreen(
      element,
      {
        addCallListener: (id, l) => r.addCallListener(id, l),
        removeCallListener: (id) => r.removeCallListener(id),
        acceptCall: (id) => r.acceptCall(id),
        rejectCall: (id, status) => r.rejectCall(id, status),
        cancelCall: (id) => r.cancelCall(id),
        getActiveCall: () => r.getActiveCall(),
        currentUid: () => r.uid,
        ringingNow: () => r.incomingCalls.at(-1),
      },
      options,
    );
  }

  /** One call's log: status, who, participants with join/leave times and durations, minutes, recordings. */
  static getCallDetails(sessionId: string, authToken: string): Promise<CallLog> {
    return onRinging(() => fetchCallDetails(requireConfig().serverUrl, sessionId, authToken));
  }

  /** The user's calls, newest first, a page at a time (pass `nextCursor` back as `cursor`). */
  static getCallLogs(request: CallLogRequest): Promise<CallLogPage> {
    return onRinging(() => fetchCallLogs(requireConfig().serverUrl, request));
  }

  /** For tests: forget the configuration and the current session. */
  static reset(): void {
    ringing?.logout();
    ringing = undefined;
    config?.earlySignaling.close();
    config = undefined;
    current = undefined;
    setLogger(undefined);
  }
}
