/** WebSocket close codes the server uses (4000–4999 are free for applications). */
export const CLOSE_CODES = {
  sessionEnded: 4000,
  invalidFrame: 4001,
  replaced: 4002,
  /** Far over the frame rate limit for too long (sustained abuse). */
  rateLimited: 4029,
  serverShutdown: 1001,
} as const;
