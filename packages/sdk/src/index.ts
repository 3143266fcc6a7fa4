/** Parley's browser SDK: the public API. */
export { ERROR_CODES, type ErrorCode, ParleyError } from '@parley/protocol';
export type { CallKind, CallToken, Participant } from '@parley/protocol';
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
  type RTCRecordingInfo,
  type RTCUser,
} from './api/events.ts';
export type { GenerateTokenOptions } from './api/generate-token.ts';
export { ParleyCalls, type ParleyInitOptions } from './api/parley-calls.ts';
export type { Call, CallListener, CallListenerEvents, CallStatus, CallType, InitiateCallOptions } from './calls/call-listener.ts';
export type { CallLog, CallLogPage, CallLogRequest } from './calls/call-logs.ts';
export type { RingingScreen, RingingScreenOptions } from './ui/default/ringing-screen.ts';
export { BrowserMediaHandler } from './media/browser-media-handler.ts';
export type { MediaHandler, PeerConnectionLike } from './media/media-handler.ts';
export type { PeerState } from './media/peer-state.ts';
export { CallSession } from './session/call-session.ts';
export { type BackoffOptions, BackoffReconnectPolicy, type ReconnectContext, type ReconnectPolicy } from './session/reconnect-policy.ts';
export type { Logger } from './util/logger.ts';
