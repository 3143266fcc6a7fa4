/** Every server default in one place, with its unit. */
export const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: './data',
  callTokenTtlSeconds: 24 * 3600, // s
  reconnectGraceMs: 10_000, // ms a participant whose socket closed stays in the session
  bodyLimitBytes: 1_048_576, // bytes, REST bodies
  sdkImmutableCacheSeconds: 365 * 24 * 3600, // s, /sdk/v<version>/: the version names the file
  sdkShortCacheSeconds: 300, // s, /sdk/: how long a page may keep the unversioned bundle after a release
  wsMaxFrameBytes: 262_144, // bytes, one signaling message
  /** Signaling sockets silent this many beats in a row are terminated (ws/socket-heartbeat.ts): a vanished client is found in 10–15 s. */
  wsHeartbeat: { intervalMs: 5_000, missedBeats: 2 }, // ms between pings of a silent socket, beats
  wsCloseHandshakeMs: 1_000, // ms a socket's close handshake may take as the server stops before it is cut
  janusRequestTimeoutMs: 10_000, // ms
  /** The embedded Janus's debug_level: warnings only. Level 4's info lines cost about 10–15 % of its forwarding (docs/benchmarks.md, forwarding). */
  janusLogLevel: 3,
  maxParticipantsPerSession: 16, // people in one session (also the most publishers its Janus room takes)
  videoBitrateBps: 2_000_000, // bit/s, each publisher's video cap in its Janus room (a simulcast camera's three layers together)
  /**
   * Simulcast (sessions/layer-selection.ts, sessions/link-adaptation.ts). Layers 0, 1, 2 are the SDK's
   * q, h, f encodings of a 1280×720 camera (1/4, 1/2, full); a view is served the smallest layer at
   * least as large as it is. Janus reports a slow link when a client asks again for this many lost
   * packets in a second; a subscriber's link then steps down a layer (down to none: video paused),
   * and back up after a quiet while.
   */
  simulcast: {
    layerSizes: [
      { width: 320, height: 180 },
      { width: 640, height: 360 },
      { width: 1280, height: 720 },
    ], // px, each layer's nominal size
    slowLinkThreshold: 4, // lost packets per second that make Janus report a slow link
    settleMs: 2_000, // ms after a step in which slow-link reports still belong to the layer before
    raiseAfterQuietMs: 10_000, // ms without a slow link before a limited link goes one layer up
    probeAfterMs: 5_000, // ms a paused link waits, quiet, before trying the lowest layer again
    keyFrameAgainMs: [300, 1_100], // ms after a subscriber starts receiving a feed (connection up or back, resume, layer switch): its key frame requests after the first (an encoder answers one per 300 ms; a feed from another Janus node gets one a second)
    congestedLossPercent: 10, // % of what Janus sent a subscriber lost (its stats, from the receiver reports): a layer down, like a slow link
  },
  /** When a receiver's losses are its sender's fault (sessions/sender-health.ts), they do not step the receiver down. */
  senderHealth: {
    recoveryMs: 6_000, // ms after a sender's media returns (or its last lossy reading) during which receivers' losses are blamed on it
    lossPercent: 5, // % uplink loss in Janus's stats of a sender that makes its receivers' losses its own
  },
  /** Janus's own view of each connection (media/janus-events*.ts), from its WebSocket event handler. */
  janusEvents: {
    statsPeriodS: 2, // s between Janus's stats events per handle (Janus's default is 5; its link qualities are filtered over RTCP intervals anyway)
  },
  /**
   * Who is talking, from the audio level browsers put in each packet (RFC 6464, 0 = loudest,
   * 127 = silence), averaged by Janus over a window: louder than this on average counts as
   * talking. Janus's own 25 is far too strict for a quiet voice; Chromium's fake microphone
   * averages 74–78 and silence (a muted track) 127, measured on 1.1.2 with 0.5 s windows.
   */
  talkingLevelDbov: 85, // −dBov
  talkingWindowPackets: 25, // audio packets per decision (25 × 20 ms Opus frames = 0.5 s)
  /** After the last talker stops, how long the session waits before saying nobody speaks (no flicker between sentences). */
  activeSpeakerQuietMs: 2_000, // ms
  idleTimeoutSeconds: 180, // s alone in a session before it ends for you (when `join` names no period)
  idleWarningLeadMs: 60_000, // ms before the idle timeout that the warning comes
  /** The live state's writes of a newcomer's publications wait this long, together, so they miss the newcomer's first media (util/coalescing-queue.ts). */
  joinWritesWindowMs: 300, // ms
  /**
   * PGlite's queries wait this long after a join: its writes of the stay, the live state and the webhook
   * outbox (~3 ms each, on this process's thread) made Janus's answer to the newcomer's subscription wait,
   * and their subscriber offer went out 7-11 ms after the join instead of 3-5 (bench:join, issue 10).
   */
  embeddedDatabaseJoinHoldMs: 15, // ms
  subscriberAnswerTimeoutMs: 15_000, // ms a client may take to answer a subscriber offer
  /** A subscription update that failed (the media server refused or did not answer) is tried again after each pause in turn, then given up with a warning. */
  subscriptionRetryMs: [250, 1_000, 3_000], // ms
  screenShareDropWaitMs: 5_000, // ms a stopped screen share's connection stays open for its receivers to drop it first
  videoSwitchAnswerTimeoutMs: 30_000, // ms a switch-to-video request waits for an answer
  ringTimeoutMs: 45_000, // ms a call rings before it is unanswered
  ringJoinGraceMs: 60_000, // ms an answered call may wait for its session to start before it ends
  turnCredentialTtlSeconds: 24 * 3600, // s each TURN credential in a join or resume result is valid
  recordingJobConcurrency: 1, // recording jobs encoding at once (each uses up to 2 threads)
  recordingJobNiceness: 10, // the nice value of a recording job's tools (ffmpeg, janus-pp-rec): calls in progress come first (recording/exec.ts)
  /** Webhook delivery (webhooks/webhook-dispatcher.ts). */
  webhooks: {
    timeoutMs: 10_000, // ms a receiver has to answer
    firstRetryMs: 1_000, // ms before the second attempt; doubled each time, ±25 % jitter
    maxRetryMs: 3_600_000, // ms, the longest pause between attempts
    giveUpAfterMs: 24 * 3_600_000, // ms after the first attempt, the last retry
    pollMs: 1_000, // ms between looks for retries that came due
  },
  metricsHost: '127.0.0.1', // PARLEY_METRICS_PORT listens here: scrapes stay on the machine unless asked
  /** Rate limits (docs/operations.md): generous for a real app, tight for a script hammering one route. */
  rateLimits: {
    authTokensPerMinute: 600, // per API key: a backend minting tokens for its users' logins
    callTokensPerMinute: 60, // per user: one per call, a few retries
    tokensPerIpPerMinute: 1_200, // per client IP, each token route (many users behind one NAT)
    joinsPerMinute: 30, // per user
    callsPerMinute: 20, // ringing initiations per user
    wsFramesPerSecond: 50, // per signaling connection, bursts up to twice that (trickle after a join)
  },
  /** A session whose media room was lost makes it again within this, or ends with media-failure (a supervised Janus restarts in ~1 s). */
  mediaRecoveryTimeoutMs: 30_000, // ms
  drainSeconds: 30, // s calls in progress may go on after SIGTERM (PARLEY_DRAIN_SECONDS)
  stopStepMs: 5_000, // ms each step of the server's stop (sessions, live state, HTTP, media…) may take before it is left behind
  /** Call-quality samples (quality/): what one participant may store, how often, and how long they are kept. */
  quality: {
    maxSamplesPerParticipant: 4_320, // samples per stay: 6 h at the SDK's one per 5 s; later ones are not stored
    minSampleIntervalMs: 2_000, // ms, a sample sooner after the last one stored is not stored
    retentionDays: 7, // days samples are kept (PARLEY_QUALITY_RETENTION_DAYS)
    purgeIntervalMs: 3_600_000, // ms between purges of older ones
    staleAfterMs: 15_000, // ms without a sample (3 missed) before the others hear someone's quality as 0, lost
    sweepIntervalMs: 5_000, // ms between looks for such silences
    serverViewReadings: 3, // Janus's stats readings of a connection (2 s apart) the server's score takes the median of: one bad interval does not lower it, two do
  },
  mediaRecoveryRetryMs: [100, 250, 500, 1_000], // ms between attempts to make the room again (the last repeats)
  /** Several processes (REDIS_URL, cluster/). */
  cluster: {
    sessionLeaseTtlMs: 5_000, // ms a session's owner lease lasts unrenewed: how long a dead process's sessions wait for a new owner
    sessionLeaseRenewMs: 1_500, // ms between renewals of every lease a process holds (one Redis call), well inside the TTL
    redisPrefix: 'parley:', // before every Redis key and channel name
    nodeLoadTtlMs: 5_000, // ms a process's posted Janus node load counts without being posted again
    nodeLoadRepostMs: 1_500, // ms between reposts of a process's node load
    relayRequestTimeoutMs: 20_000, // ms a client's request relayed to its session's owner may take (a join or publish there waits on Janus)
    userQueryTimeoutMs: 1_000, // ms a question to every process about a user (busy there? calls ringing them?) waits for the answers; one silent knows nothing
    takeoverSweepMs: 2_000, // ms between a process's sweeps for sessions and calls a dead process left (cluster/session-takeover.ts)
    takeoverPollMs: 250, // ms between reads of a dead owner's lease running out, while a resume waits for it
    ringingLeftMarginMs: 5_000, // ms past the ring timeout (join grace, once answered) before a call still ringing counts as left by a dead process (times are the database's)
  },
} as const;
