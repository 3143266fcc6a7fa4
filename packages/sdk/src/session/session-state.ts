/** The states of a call session, the moves allowed between them, and how a session ends. */
import type { CallSessionState } from '../api/events.ts';
import type { ParleyError, SessionEndReason, Transitions } from '@parley/protocol';

export const SESSION_TRANSITIONS: Transitions<CallSessionState> = {
  idle: ['connecting', 'ending'],
  connecting: ['joined', 'ending'],
  // The signaling socket dropped: resume on a new one, or give up and end.
  joined: ['reconnecting', 'ending'],
  reconnecting: ['joined', 'ending'],
  ending: ['ended'],
  ended: [],
};

/**
 * How a session ends: why, when not by our own endSession (reported as
 * onSessionTimeout for `timeout`, else onCallEnded with the reason), the
 * error to report first, and whether we say `leave`.
 */
export interface Ending {
  reason?: SessionEndReason;
  error?: ParleyError;
  leave: boolean;
}
