/**
 * The ringing flow's events, with the names apps from the seed's ecosystem
 * know (`addCallListener(id, { onIncomingCallReceived, … })`), typed once.
 */
import type { Call, CallStatus, CallType } from '@parley/protocol';

export type { Call, CallStatus, CallType };

/** Every event of the ringing flow, by name, with its listener's signature. */
export type CallListenerEvents = {
  /** A call rings for you (in every open tab of yours). */
  onIncomingCallReceived: (call: Call) => void;
  /** Caller: the receiver accepted; join `call.sessionId` as a direct session. */
  onOutgoingCallAccepted: (call: Call) => void;
  /** Caller: `call.status` is `rejected`, `busy` or `unanswered`. */
  onOutgoingCallRejected: (call: Call) => void;
  /**
   * Receiver: the ringing stopped. `call.status` says why: `cancelled` (the caller
   * gave up), `unanswered` (nobody answered in time), or `ongoing` / `rejected` /
   * `busy` (another tab of yours answered or declined it).
   */
  onIncomingCallCancelled: (call: Call) => void;
  /** The other side ended the call (or its session ended): clear the active call and end the session. */
  onCallEndedMessageReceived: (call: Call) => void;
  /** Not in the seed: the call `getActiveCall()` returns changed (null when cleared). */
  onActiveCallChanged: (call: Call | null) => void;
};

/** What `addCallListener` takes: any subset of the events, as methods. */
export type CallListener = Partial<CallListenerEvents>;

export interface InitiateCallOptions {
  receiverUid: string;
  /** Default 'video'. */
  type?: CallType;
}

export const FINAL_CALL_STATUSES: readonly CallStatus[] = ['ended', 'rejected', 'cancelled', 'busy', 'unanswered'];
