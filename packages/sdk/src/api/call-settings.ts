/**
 * The seed's CallSettingsBuilder: every setter, chainable, each checking its
 * argument before storing it. `build()` returns a frozen CallSettings.
 */
import { ParleyError } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';
import { AUDIO_MODES, AudioMode, type CallsEventsDelegate } from './events.ts';

export const DisplayModes = { DEFAULT: 'default', SPOTLIGHT: 'spotlight', SINGLE: 'single' } as const;
export type DisplayMode = (typeof DisplayModes)[keyof typeof DisplayModes];

export const AvatarMode = { CIRCLE: 'circle', SQUARE: 'square', FULLSCREEN: 'fullscreen' } as const;
export type AvatarMode = (typeof AvatarMode)[keyof typeof AvatarMode];

export { AudioMode };

export interface CallSettings {
  readonly defaultLayout: boolean;
  readonly isAudioOnly: boolean;
  readonly isSingleMode: boolean;
  readonly showSwitchToVideoCall: boolean;
  readonly enableVideoTileClick: boolean;
  readonly enableDraggableVideoTile: boolean;
  readonly endCallButtonDisable: boolean;
  readonly showRecordingButton: boolean;
  /** The default UI's screen share button; shown only where the browser can share (getDisplayMedia) even when true. */
  readonly showScreenShareButton: boolean;
  readonly switchCameraButtonDisable: boolean;
  readonly muteAudioButtonDisable: boolean;
  readonly pauseVideoButtonDisable: boolean;
  readonly audioModeButtonDisable: boolean;
  readonly startAudioMuted: boolean;
  readonly startVideoMuted: boolean;
  readonly mode: DisplayMode;
  readonly avatarMode: AvatarMode;
  /** undefined: the system's default audio output. */
  readonly defaultAudioMode: AudioMode | undefined;
  /** Seconds alone in a session before it ends. */
  readonly idleTimeoutPeriod: number;
  readonly delegate: CallsEventsDelegate | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function fail(setter: string, expected: string, value: unknown): never {
  throw new ParleyError('VALIDATION_FAILED', `${setter} expects ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}

function bool(setter: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(setter, 'a boolean', value);
  return value;
}

function oneOf<T extends string>(setter: string, allowed: readonly T[], value: unknown): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) fail(setter, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

export class CallSettingsBuilder {
  #s: Mutable<CallSettings> = { ...DEFAULTS.settings, delegate: undefined };

  setDefaultLayout(value: boolean): this {
    this.#s.defaultLayout = bool('setDefaultLayout', value);
    return this;
  }
  setIsAudioOnly(value: boolean): this {
    this.#s.isAudioOnly = bool('setIsAudioOnly', value);
    return this;
  }
  setIsSingleMode(value: boolean): this {
    this.#s.isSingleMode = bool('setIsSingleMode', value);
    return this;
  }
  setShowSwitchToVideoCall(value: boolean): this {
    this.#s.showSwitchToVideoCall = bool('setShowSwitchToVideoCall', value);
    return this;
  }
  setEnableVideoTileClick(value: boolean): this {
    this.#s.enableVideoTileClick = bool('setEnableVideoTileClick', value);
    return this;
  }
  setEnableDraggableVideoTile(value: boolean): this {
    this.#s.enableDraggableVideoTile = bool('setEnableDraggableVideoTile', value);
    return this;
  }
  setEndCallButtonDisable(value: boolean): this {
    this.#s.endCallButtonDisable = bool('setEndCallButtonDisable', value);
    return this;
  }
  setShowRecordingButton(value: boolean): this {
    this.#s.showRecordingButton = bool('setShowRecordingButton', value);
    return this;
  }
  /** Shows or hides the default UI's screen share button (default: shown where the browser can share the screen). */
  setShowScreenShareButton(value: boolean): this {
    this.#s.showScreenShareButton = bool('setShowScreenShareButton', value);
    return this;
  }
  setSwitchCameraButtonDisable(value: boolean): this {
    this.#s.switchCameraButtonDisable = bool('setSwitchCameraButtonDisable', value);
    return this;
  }
  setMuteAudioButtonDisable(value: boolean): this {
    this.#s.muteAudioButtonDisable = bool('setMuteAudioButtonDisable', value);
    return this;
  }
  setPauseVideoButtonDisable(value: boolean): this {
    this.#s.pauseVideoButtonDisable = bool('setPauseVideoButtonDisable', value);
    return this;
  }
  setAudioModeButtonDisable(value: boolean): this {
    this.#s.audioModeButtonDisable = bool('setAudioModeButtonDisable', value);
    return this;
  }
  setStartAudioMuted(value: boolean): this {
    this.#s.startAudioMuted = bool('setStartAudioMuted', value);
    return this;
  }
  setStartVideoMuted(value: boolean): this {
    this.#s.startVideoMuted = bool('setStartVideoMuted', value);
    return this;
  }
  setMode(mode: DisplayMode): this {
    this.#s.mode = oneOf('setMode', Object.values(DisplayModes), mode);
    return this;
  }
  setAvatarMode(mode: AvatarMode): this {
    this.#s.avatarMode = oneOf('setAvatarMode', Object.values(AvatarMode), mode);
    return this;
  }
  setDefaultAudioMode(mode: AudioMode): this {
    this.#s.defaultAudioMode = oneOf('setDefaultAudioMode', AUDIO_MODES, mode);
    return this;
  }
  /** Seconds alone in the session before it ends (the server allows 1–86400). */
  setIdleTimeoutPeriod(seconds: number): this {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
      fail('setIdleTimeoutPeriod', 'a whole number of seconds from 1 to 86400', seconds);
    }
    this.#s.idleTimeoutPeriod = seconds;
    return this;
  }
  setDelegate(listener: CallsEventsDelegate): this {
    if (listener === null || (typeof listener !== 'object' && typeof listener !== 'function')) {
      fail('setDelegate', 'an object with event methods', listener);
    }
    this.#s.delegate = listener;
    return this;
  }

  build(): CallSettings {
    return Object.freeze({ ...this.#s });
  }
}

/** Settings used when startSession is given none. */
export function defaultCallSettings(): CallSettings {
  return new CallSettingsBuilder().build();
}
