/**
 * Every default of the SDK, in one place, with units. The settings' defaults
 * are typed by the settings they fill, so a setting without one does not compile.
 */
import type { CallSettings } from './api/call-settings.ts';

export const DEFAULTS = {
  /** How long a signaling request may wait for its response. */
  requestTimeoutMs: 15_000, // ms
  /** How long opening the signaling WebSocket may take. */
  connectTimeoutMs: 10_000, // ms
  /** A signaling socket opened ahead by generateToken (session/early-signaling.ts) is closed if no session adopts it this long. */
  earlySignalingIdleMs: 60_000, // ms
  /**
   * Joining a call with others in it, our devices wait at most this long for each step of receiving
   * (session/session-start.ts): for the subscriber's first answer and its first ICE candidate to go out,
   * then for our first remote frame (audio-only: packet).
   */
  receiveFirstMaxMs: 150, // ms
  /** A new receiving connection reports its streams (which the view then draws) once its first ICE candidate is out, or after this long (media/subscriber-connection.ts). */
  firstCandidateMaxMs: 50, // ms
  /**
   * Resume attempts (session/resume.ts) open one socket at a time, each for as long as its turn in
   * `patienceMs` allows (the list starts again after its last). The long turn outlasts TCP's second SYN
   * (1 s after the first) and lets a slow path (a loaded client, TLS over a far network) finish its
   * handshake; it comes first, since a socket dropped on a live network opens on the first try. The short
   * turns find a link that was down soon after it came back. Once an attempt was refused (the server is
   * down, so it will be starting), each gets `afterRefusalMs`: a server starting again is slow to take sockets.
   */
  resumeAttempts: { patienceMs: [1_600, 400, 800], afterRefusalMs: 4_000 }, // ms
  /**
   * The signaling socket's heartbeat (session/signaling-heartbeat.ts): silent for a beat, it is pinged;
   * `missedBeats` pings in a row unanswered and it counts as dead (3–4 s of silence): the session resumes.
   */
  signalingHeartbeat: { intervalMs: 1_000, missedBeats: 2 }, // ms, pings
  /**
   * Resuming after the signaling socket dropped (session/reconnect-policy.ts):
   * the pause before each attempt (the last one repeats; at most `unreachableDelayMs` after an
   * attempt whose socket did not open), each made longer or shorter at random by up to `jitter`
   * of itself so that clients cut off together do not come back in step, and no attempt after
   * `giveUpAfterMs`: the server keeps us in the call that long by default (PARLEY_RECONNECT_GRACE_MS).
   */
  reconnect: {
    delaysMs: [0, 250, 500, 1_000, 2_000], // ms
    unreachableDelayMs: 200, // ms
    jitter: 0.3, // fraction of each delay, 0..1
    giveUpAfterMs: 10_000, // ms since the socket dropped
  },
  /** The join → first remote frame measure (session/join-timing.ts): how often stats are read, and for how long at most. */
  joinTiming: { pollMs: 20, giveUpAfterMs: 10_000 }, // ms, ms since join was sent
  /**
   * ICE restart when a peer connection loses its network path (media/ice-restart.ts): `disconnected`
   * this long, or receiving nothing this long while `connected`, starts it; attempts paced by
   * `delaysMs` (the last repeats); after `giveUpAfterMs` both connections are replaced.
   */
  iceRestart: {
    disconnectedMs: 2_000,
    silentMs: 3_000,
    pollMs: 250,
    delaysMs: [1_000, 1_000, 2_000],
    /** An attempt whose request got no answer this long makes way for the next. */
    attemptTimeoutMs: 3_000,
    /** The signaling socket is checked when a path is lost: no answer to a ping this long and it is dropped. */
    pingTimeoutMs: 1_500,
    giveUpAfterMs: 10_000,
  }, // ms
  /**
   * Camera video in three VP8 layers (media/simulcast.ts), highest first (Janus's default rid order):
   * full, 1/2 and 1/4 of the camera's picture, each with its bitrate cap. The server picks one per viewer.
   */
  simulcastLayers: [
    { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
    { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 400_000 },
    { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 120_000 },
  ], // bit/s
  /** How long the rendered size of a remote video must hold before it is reported to the server (media/simulcast.ts). */
  videoViewDebounceMs: 150, // ms
  /** How often the SDK reads getStats() for its network quality and sends a call-quality sample (quality/quality-monitor.ts). */
  qualitySampleIntervalMs: 5_000, // ms
  /** After the server's `media.restart`: how long our media may take to flow again before onError (session/media-recovery.ts). */
  mediaRestartTimeoutMs: 15_000, // ms
  /** How long `endSession` waits for the server to acknowledge `leave`. */
  leaveTimeoutMs: 2_000, // ms
  /** How long the ringing screen shows how a call ended ("Busy", "No answer") before it hides. */
  ringingOutcomeMs: 2_500, // ms
  /** Camera constraints for video calls. */
  video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } }, // px, px, fps
  /** Microphone constraints. */
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  /**
   * A screen share the server ended (a newer one replaced it) keeps its connection this long at
   * most, for the server to close it first, once its receivers dropped it (the server waits 5 s).
   */
  screenShareLingerMs: 7_000, // ms
  /** Call settings, as the seed documents them. */
  settings: {
    defaultLayout: true,
    isAudioOnly: false,
    isSingleMode: false,
    showSwitchToVideoCall: false,
    enableVideoTileClick: true,
    enableDraggableVideoTile: true,
    endCallButtonDisable: false,
    showRecordingButton: false,
    showScreenShareButton: true,
    switchCameraButtonDisable: false,
    muteAudioButtonDisable: false,
    pauseVideoButtonDisable: false,
    audioModeButtonDisable: false,
    startAudioMuted: false,
    startVideoMuted: false,
    mode: 'default',
    avatarMode: 'circle',
    defaultAudioMode: undefined, // the system's default output
    /** Alone in a session this long, it ends (the seed's idle timeout). */
    idleTimeoutPeriod: 180, // s
  } satisfies Omit<CallSettings, 'delegate'>,
} as const;
