/** The media layer: Janus as the SFU. */
export { JanusClient, type JanusClientEvents, type JanusClientOptions } from './janus-client.ts';
export {
  detectMediaInterface,
  type JanusConfigOptions,
  type MediaInterface,
  writeJanusConfig,
} from './janus-config.ts';
export { type JanusErrorDetails, janusCodeOf } from './janus-errors.ts';
export { JanusHandle, type JanusHandleEvents, type MediaInfo, type SlowLinkInfo } from './janus-handle.ts';
export { JanusProcess, type JanusProcessEvents, type JanusProcessOptions } from './janus-process.ts';
export { JanusPublisher, type JanusPublisherEvents } from './janus-publisher.ts';
export { JanusRoom, type JanusRoomOptions, type RoomParticipant } from './janus-room.ts';
export { JanusSession, type JanusSessionEvents } from './janus-session.ts';
export {
  JanusSubscriber,
  type JanusSubscriberEvents,
  type SubscriberStream,
  type SubscriptionChange,
} from './janus-subscriber.ts';
export type { AnswerJsep, IceCandidate, Jsep, OfferJsep, RequestOptions } from './janus-types.ts';
export { type Logger, noopLogger } from '../util/logger.ts';

