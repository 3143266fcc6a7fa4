/** Every server default in one place, with its unit. */
export const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: './data',
  callTokenTtlSeconds: 24 * 3600, // s
  reconnectGraceMs: 10_000, // ms a participant whose socket closed stays in the session
  bodyLimitBytes: 1_048_576, // bytes, REST bodies
  wsMaxFrameBytes: 262_144, // bytes, one signaling message
  janusRequestTimeoutMs: 10_000, // ms
  maxParticipantsPerSession: 16,
  idleTimeoutSeconds: 180, // s alone in a session before it ends for you
  videoSwitchAnswerTimeoutMs: 30_000, // ms a switch-to-video request waits for an answer
  ringTimeoutMs: 45_000, // ms a call rings before it is unanswered
  ringJoinGraceMs: 60_000, // ms an answered call may wait for its session to start before it ends
  recordingJobConcurrency: 1, // recording jobs encoding at once (each uses up to 2 threads)
} as const;
