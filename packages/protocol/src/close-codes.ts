/** WebSocket close codes the server uses (4000–4999 are free for applications). */
export const CLOSE_CODES = {
  sessionEnded: 4000,
  invalidFrame: 4001,
  replaced: 4002,
  serverShutdown: 1001,
} as const;
