/**
 * The ringing flow's static API: one user calls another, the receiver's tabs ring, and
 * once answered both start a direct session through ParleyCalls; and the user's call log.
 * In the seed the ringing flow is the Chat SDK's `CometChat.*` (login, initiateCall,
 * acceptCall, endCall, the call listeners) beside the Calls SDK's `CometChatCalls.*`; kept
 * apart here too, so an app that only holds sessions (ParleyCalls) does not carry it.
 * It uses the server ParleyCalls.init set.
 */
import { ParleyError } from '@parley/protocol';
import type { Call, CallListener, InitiateCallOptions } from '../calls/call-listener.ts';
import { type CallLog, type CallLogPage, type CallLogRequest, fetchCallDetails, fetchCallLogs } from '../calls/call-logs.ts';
import { RingingClient } from '../calls/ringing-client.ts';
import { RingingScreen, type RingingScreenOptions } from '../ui/default/ringing-screen.ts';
import { requireConfig } from './sdk-config.ts';

/** The user channel and call listeners (calls/ringing-client.ts), made on first use. */
let ringing: RingingClient | undefined;

function requireRinging(): RingingClient {
  const { serverUrl, WebSocket } = requireConfig();
  ringing ??= new RingingClient({ serverUrl, ...(WebSocket ? { WebSocket } : {}) });
  return ringing;
}

/** Runs `fn` on the ringing client; a missing init becomes a rejected promise. */
function onRinging<T>(fn: (r: RingingClient) => Promise<T>): Promise<T> {
  try {
    return fn(requireRinging());
  } catch (error) {
    return Promise.reject(error);
  }
}

// biome-ignore lint/complexity/noStaticOnlyClass: the static API mirrors the seed (CometChat.*)
export class ParleyRinging {
  /** Opens this tab's user channel: calls to the auth token's user ring here. */
  static login(authToken: string): Promise<{ uid: string }> {
    return onRinging((r) => r.login(authToken));
  }

  /** Closes the user channel; calls no longer ring in this tab. */
  static logout(): void {
    ringing?.logout();
  }

  /** Rings `receiverUid`. Resolves with the call (status `initiated`, or `busy` at once). */
  static initiateCall(options: InitiateCallOptions): Promise<Call> {
    return onRinging((r) => r.initiateCall(options));
  }

  static acceptCall(sessionId: string): Promise<Call> {
    return onRinging((r) => r.acceptCall(sessionId));
  }

  static rejectCall(sessionId: string, status: 'rejected' | 'busy' = 'rejected'): Promise<Call> {
    return onRinging((r) => r.rejectCall(sessionId, status));
  }

  /** The caller gives up; the receiver gets onIncomingCallCancelled. */
  static cancelCall(sessionId: string): Promise<Call> {
    return onRinging((r) => r.cancelCall(sessionId));
  }

  /** Ends an answered call for both (default: the active call). Then `clearActiveCall()` and `ParleyCalls.endSession()`. */
  static endCall(sessionId?: string): Promise<Call> {
    return onRinging((r) => r.endCall(sessionId));
  }

  static getActiveCall(): Call | null {
    return ringing?.getActiveCall() ?? null;
  }

  static clearActiveCall(): void {
    ringing?.clearActiveCall();
  }

  /** Listens to the ringing flow under `id` (a second add with the same id replaces the first). */
  static addCallListener(id: string, listener: CallListener): void {
    requireRinging().addCallListener(id, listener);
  }

  static removeCallListener(id: string): void {
    ringing?.removeCallListener(id);
  }

  /**
   * The default incoming ("Accept / Decline") and outgoing ("Calling … / Cancel") screens,
   * shown over the page while a call rings. `onAccepted(call)` fires on both sides once
   * it is answered: start the direct session there. `close()` removes it.
   */
  static renderCallScreen(element: HTMLElement, options: RingingScreenOptions = {}): RingingScreen {
    if (!element || typeof (element as { appendChild?: unknown }).appendChild !== 'function') {
      throw new ParleyError('VALIDATION_FAILED', 'renderCallScreen expects an HTMLElement to render into');
    }
    const r = requireRinging();
    return new RingingScreen(
      element,
      {
        addCallListener: (id, l) => r.addCallListener(id, l),
        removeCallListener: (id) => r.removeCallListener(id),
        acceptCall: (id) => r.acceptCall(id),
        rejectCall: (id, status) => r.rejectCall(id, status),
        cancelCall: (id) => r.cancelCall(id),
        getActiveCall: () => r.getActiveCall(),
        currentUid: () => r.uid,
        ringingNow: () => r.incomingCalls.at(-1),
      },
      options,
    );
  }

  // ——— the call log (REST, with a user's auth token; no login needed) ———

  /** One call's log: status, who, participants with join/leave times and durations, minutes, recordings. */
  static async getCallDetails(sessionId: string, authToken: string): Promise<CallLog> {
    return fetchCallDetails(requireConfig().serverUrl, sessionId, authToken);
  }

  /** The user's calls, newest first, a page at a time (pass `nextCursor` back as `cursor`). */
  static async getCallLogs(request: CallLogRequest): Promise<CallLogPage> {
    return fetchCallLogs(requireConfig().serverUrl, request);
  }

  /** For tests: log out and forget the ringing client (the next call makes one for the current init). */
  static reset(): void {
    ringing?.logout();
    ringing = undefined;
  }
}
