/**
 * What the signaling socket does, for observers (metrics): connections
 * opening and closing, each request's outcome, the SDK's join timing. An
 * observer beside the protocol, never in its path (STYLE 16).
 */
import { type ErrorCode, type ListenerErrorReporter, type RequestType, TypedEmitter } from '@parley/protocol';

export interface SignalingEventMap {
  'connection.opened': [];
  'connection.closed': [];
  /** A request was answered: `code` is null when it succeeded. `type` is null for a frame that named no known request. */
  'request.answered': [e: { type: RequestType | null; code: ErrorCode | null }];
  /** The SDK's own measure of join → first remote frame (`metrics.joinTiming`). */
  'join.timing': [e: { seconds: number }];
}

export class SignalingEvents extends TypedEmitter<SignalingEventMap> {
  constructor(report: ListenerErrorReporter) {
    super(report);
  }
}
