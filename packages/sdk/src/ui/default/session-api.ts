/**
 * The part of the SDK's public CallSession API the default UI uses: nothing
 * more, so an app could build its own UI from the same calls. Optional members
 * come from later issues (recording, switch to video, idle warning) and are
 * used only when present.
 */
import type { CallSettings } from '../../api/call-settings.ts';
import type { AudioMode, CallEvents, CallSessionState, RTCUser } from '../../api/events.ts';
import type { AudioOutputDevice } from '../../media/devices.ts';
import type { AudioOutputChoice } from '../../session/audio-output.ts';

/** Events the UI listens to: the session's own plus the idle warning of the lifecycle issue. */
export type UIEvents = CallEvents & {
  /** The server's `session.idleWarning`: alone for long, the session ends in `secondsLeft`. */
  onIdleWarning: (info: { secondsLeft: number }) => void;
};

type Listener = (...args: never[]) => void;

export interface UISession {
  readonly settings: CallSettings;
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
  /** The current output route, once one was set. */
  readonly audioMode: AudioMode | undefined;
  readonly isRecording: boolean;
  /** Who speaks now, as the server hears it (onActiveSpeakerChanged); null: nobody. */
  readonly activeSpeaker: RTCUser | null;
  /** The output devices, each with its mode: what the audio-route menu lists. */
  getAudioOutputs(): Promise<AudioOutputDevice[]>;
  /** How the user chooses where audio plays: our menu, the browser's picker, or nothing to choose (the button hides). */
  readonly audioOutputChoice?: AudioOutputChoice;
  /** The browser's own output picker (choice `picker`). */
  pickAudioOutput?(): Promise<unknown>;
  /** An element whose audio output follows setAudioMode. */
  attachOutputElement(element: HTMLMediaElement): void;
  detachOutputElement(element: HTMLMediaElement): void;
  /** Reports the seed's onCallEndButtonPressed to the app. */
  pressEndCallButton(): void;
  /** How a remote video is shown (CSS pixels; 0 × 0: not shown), so the server sends the layer that fits. */
  setRemoteVideoView?(uid: string, size: { width: number; height: number }): unknown;
  startRecording?(): unknown;
  stopRecording?(): unknown;
  switchToVideoCall?(): unknown;
  /** Answers onCallSwitchToVideoRequested. */
  acceptVideoSwitch?(): unknown;
  declineVideoSwitch?(): unknown;
  stayInSession?(): unknown;
  /** Screen share (onScreenShareStarted / onScreenShareStopped tell who shares). */
  /** Whether the browser can capture the screen: the screen-share button shows only then. */
  readonly canShareScreen?: boolean;
  startScreenShare?(): unknown;
  stopScreenShare?(): unknown;
  readonly isSharingScreen?: boolean;
  /** Who shares now, when the UI is built. */
  readonly screenSharer?: RTCUser | null;
  /** One publication's stream of a remote participant (their `screen`). */
  getRemotePublicationStream?(uid: string, source: 'screen'): MediaStream | undefined;
}
