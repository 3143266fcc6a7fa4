/**
 * Resuming after the signaling socket dropped: new sockets, with back-off,
 * each sending `resume` with the join's resume token, until one is taken, the
 * server says there is nothing to resume, or the window closes.
 */
import { type JoinResult, ParleyError } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';
import type { Logger } from '../util/logger.ts';
import type { SignalingClient } from './signaling-client.ts';

export interface ResumeSteps {
  resumeToken: string;
  /** A new, unconnected client; the session listens to it before it connects. */
  openClient(): SignalingClient;
  /** False once the session stopped reconnecting (endSession meanwhile). */
  stillWanted(): boolean;
  log: Logger;
}

/** The resumed session's state, or undefined when it could not be resumed (or is no longer wanted). */
export async function resumeOnNewSocket(steps: ResumeSteps): Promise<JoinResult | undefined> {
  const deadline = Date.now() + DEFAULTS.reconnectWindowMs;
  const delays = DEFAULTS.reconnectDelaysMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    await new Promise((r) => setTimeout(r, delays[Math.min(attempt, delays.length - 1)]));
    if (!steps.stillWanted()) return undefined;
    const signaling = steps.openClient();
    try {
      await signaling.connect();
      return await signaling.request('resume', { resumeToken: steps.resumeToken });
    } catch (error) {
      steps.log.debug(`resume attempt ${attempt + 1} failed`, error);
      signaling.close(1000, 'resume failed');
      // Removed already (the grace period passed, or the session ended): no point trying again.
      if (error instanceof ParleyError && error.code === 'SESSION_ENDED') return undefined;
    }
  }
  return undefined;
}
