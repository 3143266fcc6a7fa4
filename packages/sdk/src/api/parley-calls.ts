/**
 * The seed's static API. Each call is a CallSession; the static methods act on
 * the current one (the last started), so a page may also hold several.
 */
import { type CallToken, ParleyError } from '@parley/protocol';
import { BrowserMediaHandler } from '../media/browser-media-handler.ts';
import type { MediaHandler } from '../media/media-handler.ts';
import { CallSession } from '../session/call-session.ts';
import type { WebSocketConstructor } from '../session/signaling-client.ts';
import { consoleLogger, type Logger, setLogger } from '../util/logger.ts';
import { type CallSettings, CallSettingsBuilder, defaultCallSettings } from './call-settings.ts';
import type { AudioMode } from './events.ts';
import { type GenerateTokenOptions, requestCallToken } from './generate-token.ts';

export interface ParleyInitOptions {
  /** Where the Parley server runs, e.g. `https://calls.example.com`. */
  serverUrl: string;
  /** Replaces the console logger. */
  logger?: Logger;
  /** Turns on debug lines of the default logger. */
  debug?: boolean;
  /** ICE servers for the peer connections (none needed when Janus is reachable directly). */
  iceServers?: RTCIceServer[];
  /** For tests and unusual platforms. */
  mediaHandler?: MediaHandler;
  WebSocket?: WebSocketConstructor;
}

interface Config {
  serverUrl: string;
  media: MediaHandler | undefined;
  WebSocket: WebSocketConstructor | undefined;
  rtcConfig: RTCConfiguration;
}

let config: Config | undefined;
let current: CallSession | undefined;

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
    setLogger(options.logger ?? consoleLogger({ debug: options.debug ?? false }));
    config = {
      serverUrl: url.toString().replace(/\/+$/, ''),
      media: options.mediaHandler,
      WebSocket: options.WebSocket,
      rtcConfig: { bundlePolicy: 'max-bundle', ...(options.iceServers ? { iceServers: options.iceServers } : {}) },
    };
  }

  static get isInitialized(): boolean {
    return config !== undefined;
  }

  /** A call token for `sessionId`, for the user `authToken` belongs to. */
  static async generateToken(authToken: string, sessionId: string, options?: GenerateTokenOptions): Promise<CallToken> {
    const { serverUrl } = requireConfig();
    return requestCallToken(serverUrl, authToken, sessionId, options);
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
    const session = new CallSession({
      serverUrl: cfg.serverUrl,
      token,
      ...(typeof callToken === 'object' && callToken.sessionId ? { sessionId: callToken.sessionId } : {}),
      settings: callSettings ?? defaultCallSettings(),
      element,
      media: cfg.media ?? new BrowserMediaHandler(),
      ...(cfg.WebSocket ? { WebSocket: cfg.WebSocket } : {}),
      rtcConfig: cfg.rtcConfig,
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

  /** For tests: forget the configuration and the current session. */
  static reset(): void {
    config = undefined;
    current = undefined;
    setLogger(undefined);
  }
}
