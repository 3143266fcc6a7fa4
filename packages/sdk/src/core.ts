/**
 * Parley's SDK without a UI (`@parley/sdk/core`), for apps that draw their own
 * or none: a CallSession is made with `new CallSession({ … })` and reports
 * everything through its events. Nothing this imports reaches ui/; a test
 * bundles an app from this entry and checks (core.test.ts).
 */
export { ERROR_CODES, type ErrorCode, ParleyError } from '@parley/protocol';
export type { CallKind, CallToken, Participant, PublicationSource } from '@parley/protocol';
export { AvatarMode, type CallSettings, CallSettingsBuilder, type DisplayMode, DisplayModes } from './api/call-settings.ts';
export {
  AudioMode,
  type CallEventName,
  type CallEvents,
  type CallSessionState,
  type CallsEventsDelegate,
  type CallSwitchRequest,
  type CallSwitchRequestInfo,
  type RTCMutedUser,
  type RemoteStreamInfo,
  type RTCRecordingInfo,
  type RTCUser,
} from './api/events.ts';
export { type GenerateTokenOptions, requestCallToken } from './api/generate-token.ts';
export type { Call, CallListener, CallListenerEvents, CallStatus, CallType, InitiateCallOptions } from './calls/call-listener.ts';
export { type CallLog, type CallLogPage, type CallLogRequest, fetchCallDetails, fetchCallLogs } from './calls/call-logs.ts';
export { RingingClient, type RingingClientOptions } from './calls/ringing-client.ts';
export { BrowserMediaHandler } from './media/browser-media-handler.ts';
export type { MediaHandler, PeerConnectionLike } from './media/media-handler.ts';
export type { PeerState } from './media/peer-state.ts';
export { CallSession, type CallSessionOptions } from './session/call-session.ts';
export { type BackoffOptions, BackoffReconnectPolicy, type ReconnectContext, type ReconnectPolicy } from './session/reconnect-policy.ts';
export type { SessionView, SessionViewFactory } from './session/session-view.ts';
export type { WebSocketConstructor } from './session/signaling-client.ts';
export { type Logger, setLogger } from './util/logger.ts';
