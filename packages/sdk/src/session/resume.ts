/**
 * Resuming after the signaling socket dropped: new sockets, each sending
 * `resume` with the join's resume token, paced by the reconnect policy, until
 * one is taken, the server says there is nothing to resume, or the policy
 * gives up.
 */
import { type JoinResult, ParleyError } from '@parley/protocol';
import { asParleyError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import type { ReconnectContext, ReconnectPolicy } from './reconnect-policy.ts';
import type { SignalingClient } from './signaling-client.ts';

export interface ResumeSteps {
  resumeToken: string;
  policy: ReconnectPolicy;
  /** Why the socket closed. */
  cause: ParleyError;
  /** A new, unconnected client; the session listens to it before it connects. */
  openClient(): SignalingClient;
  /** False once the session stopped reconnecting (endSession meanwhile). */
  stillWanted(): boolean;
  log: Logger;
}

/**
 * The resumed session's state; `'session-ended'` when the server answered that
 * there is nothing to resume; undefined when the policy gave up (the server
 * stayed unreachable) or the session is no longer wanted.
 */
export async function resumeOnNewSocket(steps: ResumeSteps): Promise<JoinResult | 'session-ended' | undefined> {
  const droppedAt = Date.now();
  let retryReason = steps.cause;
  for (let retryCount = 0; ; retryCount++) {
    const delay = nextDelay(steps, { retryCount, elapsedMs: Date.now() - droppedAt, retryReason });
    if (delay === null) return undefined;
    await new Promise((r) => setTimeout(r, delay));
    if (!steps.stillWanted()) return undefined;
    const signaling = steps.openClient();
    try {
      await signaling.connect();
      return await signaling.request('resume', { resumeToken: steps.resumeToken });
    } catch (error) {
      steps.log.debug(`resume attempt ${retryCount + 1} failed`, error);
      signaling.close(1000, 'resume failed');
      retryReason = asParleyError(error);
      // Removed already (the grace period passed, or the session ended): no point trying again.
      if (error instanceof ParleyError && error.code === 'SESSION_ENDED') return 'session-ended';
    }
  }
}

/** The policy's answer; a policy that throws or answers something that is not a pause gives up. */
function nextDelay(steps: ResumeSteps, context: ReconnectContext): number | null {
  try {
    const delay = steps.policy.nextRetryDelayMs(context);
    if (delay === null || (Number.isFinite(delay) && delay >= 0)) return delay;
    steps.log.warn(`the reconnect policy answered ${String(delay)}, not a pause: giving up`);
  } catch (error) {
    steps.log.error('the reconnect policy threw: giving up', error);
  }
  return null;
}
