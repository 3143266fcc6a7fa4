/**
 * The call events of the seed, typed once. `CallSession.on/off` and the
 * delegate given to `setDelegate` both use this map.
 */
import type { VideoPauseReason } from '@parley/protocol';
import type { CallKind, NetworkQuality, Participant, ParleyError, PeerTarget, PublicationSource, SessionEndReason } from '@parley/protocol';

/** The seed's audio modes, each standing for an audio output device on the web. */
export const AudioMode = {
  SPEAKER: 'SPEAKER',
  EARPIECE: 'EARPIECE',
  BLUETOOTH: 'BLUETOOTH',
  HEADPHONES: 'HEADPHONES',
} as const;
export type AudioMode = (typeof AudioMode)[keyof typeof AudioMode];
export const AUDIO_MODES: readonly AudioMode[] = Object.values(AudioMode);

/** The seed's RTCUser: a participant as everyone sees them, plus whether it is you. */
export interface RTCUser extends Participant {
  isLocalUser: boolean;
}

/** The seed's RTCMutedUser. */
export interface RTCMutedUser {
  /** The participant whose mute state changed, with the new state. */
  muted: RTCUser;
  /** The uid of whoever changed it. */
  mutedBy: string;
  isAudioMuted: boolean;
  isVideoMuted: boolean;
}

/** The seed's CallSwitchRequestInfo: who asked to switch an audio call to video, and who answered. */
export interface CallSwitchRequestInfo {
  sessionId: string;
  /** The uid of who called switchToVideoCall(). */
  initiator: string;
  /** The uid of who accepted (onCallSwitchedToVideo) or declined (onCallSwitchToVideoDeclined). */
  responder: string;
}

/** A request to switch to video, waiting for this user's answer (acceptVideoSwitch / declineVideoSwitch). */
export interface CallSwitchRequest {
  sessionId: string;
  /** The uid of who asked. */
  initiator: string;
}

/** The seed's RTCRecordingInfo: recording started or stopped, and by whom. */
export interface RTCRecordingInfo {
  recording: boolean;
  /** Who started or stopped it. */
  by: { uid: string; name: string };
  /** The recording (for the recordings API). */
  recordingId: string;
  /** The uid of who started it, when `recording` is true. */
  startedBy?: string;
}

/**
 * One publication of a remote participant as a stream of its own: `camera`
 * holds their video track, `microphone` their audio track, `screen` a
 * shared screen's video with the tab's audio when there is any.
 */
export interface RemoteStreamInfo {
  uid: string;
  source: PublicationSource;
  stream: MediaStream;
}

export type CallSessionState = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'ending' | 'ended';

/** Every event a call session reports, by name, with its listener's signature. */
export type CallEvents = {
  onUserJoined: (user: RTCUser) => void;
  onUserLeft: (user: RTCUser) => void;
  onUserListChanged: (users: RTCUser[]) => void;
  onUserMuted: (info: RTCMutedUser) => void;
  /**
   * The session ended for a reason other than our own endSession (the seed's listener takes no
   * argument; `reason` is ours): `call-ended`, `media-failure`, `replaced`, `server-shutdown`, or
   * `server-unavailable` — the server stayed unreachable past the reconnect window.
   */
  onCallEnded: (info: { reason: SessionEndReason }) => void;
  onSessionTimeout: () => void;
  onCallEndButtonPressed: () => void;
  onAudioModeChanged: (modes: AudioMode[]) => void;
  onCallSwitchedToVideo: (info: CallSwitchRequestInfo) => void;
  /** Not in the seed: someone asks to switch this audio call to video; answer with acceptVideoSwitch() or declineVideoSwitch(). */
  onCallSwitchToVideoRequested: (request: CallSwitchRequest) => void;
  /** Not in the seed: a request to switch to video was declined (everyone is told; the asker is `initiator`). */
  onCallSwitchToVideoDeclined: (info: CallSwitchRequestInfo) => void;
  /** Not in the seed: a request to switch to video went unanswered in time (30 s), or its asker left. */
  onCallSwitchToVideoWithdrawn: (info: { sessionId: string; initiator: string; reason: 'timeout' | 'left' }) => void;
  /** Not in the seed: alone in the session, it ends in `secondsLeft` (onSessionTimeout) unless stayInSession() is called. */
  onIdleWarning: (info: { secondsLeft: number }) => void;
  onRecordingToggled: (info: RTCRecordingInfo) => void;
  onError: (error: ParleyError) => void;
  /** Not in the seed: the connection to the server dropped; media goes on while the SDK resumes. */
  onReconnecting: () => void;
  /** Not in the seed: resumed on a new connection; nobody else saw us leave. */
  onReconnected: () => void;
  /**
   * Not in the seed: one of our media connections (`publisher`: what we send, `subscriber`: what
   * we receive) lost its network path and the SDK restarts ICE on it; we stay in the call.
   */
  onMediaReconnecting: (info: { connection: PeerTarget }) => void;
  /** Not in the seed: that connection carries media again. */
  onMediaReconnected: (info: { connection: PeerTarget }) => void;
  /**
   * Not in the seed: someone's network quality changed — `quality` 0 (lost: no media flows) …
   * 5 (excellent). Our own (`uid` is the local user's) comes from getStats() of our connections
   * every 5 s; everyone else's from their own SDK, relayed by the server. Fires on changes only.
   */
  onNetworkQualityChanged: (info: { uid: string; quality: NetworkQuality }) => void;
  /** Not in the seed: the session's state machine moved. */
  stateChanged: (state: CallSessionState, previous: CallSessionState) => void;
  /**
   * Not in the seed: who speaks now, as the server hears it (Janus's audio levels,
   * not analysed in the page); null once nobody has spoken for a moment. It may be
   * the local user (`isLocalUser`). Fires on changes only.
   */
  onActiveSpeakerChanged: (user: RTCUser | null) => void;
  /**
   * Not in the seed: `user` shares their screen now (it may be us: `isLocalUser`); also told on
   * joining a call where a share is running. Their `screen` publication comes as onRemoteStream.
   */
  onScreenShareStarted: (user: RTCUser) => void;
  /**
   * Not in the seed: `user`'s screen share ended — stopped (stopScreenShare, or the browser's own
   * "Stop sharing"), replaced by someone else's (one share at a time), or they left.
   */
  onScreenShareStopped: (user: RTCUser) => void;
  /**
   * Not in the seed: video from the others stopped arriving (`paused`) or came back. `poor-connection`:
   * our link cannot carry even their smallest layer; the server tries again by itself after a quiet
   * while. Audio goes on throughout. The default UI shows "Video paused: poor connection" on their tiles.
   */
  onRemoteVideoPaused: (info: { paused: boolean; reason: VideoPauseReason }) => void;
  /**
   * Not in the seed, for apps that draw their own UI: one publication of a remote
   * participant (`source`: camera, microphone, screen) has a stream, or tracks came
   * or went in it (the same stream object again). Its video or audio plays from there.
   */
  onRemoteStream: (info: RemoteStreamInfo) => void;
  /** Not in the seed: that publication stopped (unpublished, or its participant left); drop what plays it. */
  onRemoteStreamRemoved: (info: { uid: string; source: PublicationSource }) => void;
  /**
   * Not in the seed: a remote participant's combined MediaStream (every publication's
   * tracks in one, as `getRemoteStream(uid)` returns it) appeared, changed, or went away (null).
   */
  remoteStreamChanged: (uid: string, stream: MediaStream | null) => void;
  /** Not in the seed: the local camera/microphone stream changed (e.g. camera switched). */
  localStreamChanged: (stream: MediaStream | null) => void;
};
export type CallEventName = keyof CallEvents;

/** The seed's CallsEventsDelegate: any subset of the events, as methods. */
export type CallsEventsDelegate = Partial<CallEvents>;

export type { CallKind };
