/** WebSocket close codes the server uses (4000–4999 are free for applications). */
export const CLOSE_CODES = {
  sessionEnded: 4000,
  invalidFrame: 4001,
  replaced: 4002,
  /** The process owning the session this socket was relayed to is gone (a cluster): resume, on any process. */
  ownerLost: 4003,
  /** Far over the frame rate limit for too long (sustained abuse). */
  rateLimited: 4029,
  serverShutdown: 1001,
} as const;
