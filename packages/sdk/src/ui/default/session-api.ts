/**
 * The part of the SDK's public CallSession API the default UI uses: nothing
 * more, so an app could build its own UI from the same calls. Optional members
 * come from later issues (recording, switch to video, idle warning) and are
 * used only when present.
 */
import type { AudioMode, CallEvents, CallSessionState, RTCUser } from '../../api/events.ts';
import type { CallSettings } from '../../api/call-settings.ts';

/** An audio output device with the seed's mode, as the session lists them. */
export interface AudioOutputInfo {
  deviceId: string;
  label: string;
  mode: AudioMode;
}

/** Events the UI listens to: the session's own plus the idle warning of the lifecycle issue. */
export type UIEvents = CallEvents & {
  /** The server's `session.idleWarning`: alone for long, the session ends in `secondsLeft`. */
  onIdleWarning: (info: { secondsLeft: number }) => void;
};

type Listener = (...args: never[]) => void;

export interface UISession {
  readonly state: CallSessionState;
  on(event: keyof UIEvents, listener: Listener): unknown;
  off(event: keyof UIEvents, listener: Listener): unknown;
  getParticipants(): RTCUser[];
  getRemoteStream(uid: string): MediaStream | null | undefined;
  getLocalStream(): MediaStream | null | undefined;
  audioMuted(muted: boolean): unknown;
  videoPaused(paused: boolean): unknown;
  switchCamera(): unknown;
  setAudioMode(mode: AudioMode): unknown;
  endSession(): unknown;
  /** The current output route, when the session reports it. */
  readonly audioMode?: AudioMode | undefined;
  getAudioOutputs?(): Promise<AudioOutputInfo[]> | AudioOutputInfo[];
  startRecording?(): unknown;
  stopRecording?(): unknown;
  switchToVideoCall?(): unknown;
  stayInSession?(): unknown;
}

/** What the SDK hands the UI besides the session. */
export interface DefaultUIOptions {
  settings: CallSettings;
  /**
   * Reports a UI-originated event (the end-call button, a recording toggle
   * without server support) to the session's listeners and delegate.
   */
  emit?: <E extends keyof CallEvents>(event: E, ...args: Parameters<CallEvents[E]>) => void;
  /** Called for each element that plays remote audio, so the session can route it (setSinkId). */
  onElementAdded?: (element: HTMLMediaElement) => void;
}
