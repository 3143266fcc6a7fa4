/** Every default of the SDK, in one place, with units. */
export const DEFAULTS = {
  /** How long a signaling request may wait for its response. */
  requestTimeoutMs: 15_000, // ms
  /** How long opening the signaling WebSocket may take. */
  connectTimeoutMs: 10_000, // ms
  /**
   * After the signaling socket drops, how long we try to resume before giving up;
   * the server keeps us in the call this long by default (PARLEY_RECONNECT_GRACE_MS).
   */
  reconnectWindowMs: 10_000, // ms
  /** Pauses between resume attempts; the last one repeats. */
  reconnectDelaysMs: [0, 250, 500, 1_000, 2_000], // ms
  /** How long `endSession` waits for the server to acknowledge `leave`. */
  leaveTimeoutMs: 2_000, // ms
  /** The seed's idle timeout: alone in a session this long, it ends. */
  idleTimeoutSeconds: 180, // s
  /** Camera constraints for video calls. */
  video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } }, // px, px, fps
  /** Microphone constraints. */
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
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
    switchCameraButtonDisable: false,
    muteAudioButtonDisable: false,
    pauseVideoButtonDisable: false,
    audioModeButtonDisable: false,
    startAudioMuted: false,
    startVideoMuted: false,
    mode: 'default',
    avatarMode: 'circle',
    defaultAudioMode: undefined, // the system's default output
    idleTimeoutPeriod: 180, // s
  },
} as const;
