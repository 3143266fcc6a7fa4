/** The states of a call session and the moves allowed between them. */
import type { CallSessionState } from '../api/events.ts';
import type { Transitions } from '@parley/protocol';

export const SESSION_TRANSITIONS: Transitions<CallSessionState> = {
  idle: ['connecting', 'ending'],
  connecting: ['joined', 'ending'],
  // The signaling socket dropped: resume on a new one, or give up and end.
  joined: ['reconnecting', 'ending'],
  reconnecting: ['joined', 'ending'],
  ending: ['ended'],
  ended: [],
};
