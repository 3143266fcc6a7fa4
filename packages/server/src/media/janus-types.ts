/**
 * Shapes of the Janus JSON API that cross our module boundaries. Only the
 * fields we read are typed; Janus adds more, which we pass through untouched.
 * (SDP and candidates are WebRTC's, not Janus's: media-backend.ts has them.)
 */
import type { Jsep } from './media-backend.ts';

export type { AnswerJsep, IceCandidate, Jsep, OfferJsep } from './media-backend.ts';

/** The `plugindata.data` of a plugin answer or event. */
export type PluginData = Record<string, unknown>;

export interface RequestOptions {
  /**
   * Plugin messages are answered with `ack` first when the plugin handles them
   * asynchronously; the real answer is the `event` carrying the same
   * transaction. With this flag an `ack` does not settle the request.
   */
  waitForEvent?: boolean;
  timeoutMs?: number;
}

/**
 * What sessions and handles need of the client that made them: a request
 * answered or rejected. (They get this, not JanusClient, so that a child
 * never imports its parent.)
 */
export interface JanusRequester {
  /** Which Janus: the node's WebSocket URL. */
  readonly url: string;
  request(msg: Record<string, unknown>, opts?: RequestOptions): Promise<JanusMessage>;
}

/** What a handle needs of the session it is attached in. */
export interface JanusSessionRef {
  readonly id: number;
  readonly client: JanusRequester;
}

/** Any message Janus sends over the WebSocket. */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number; [k: string]: unknown };
  plugindata?: { plugin: string; data: PluginData };
  jsep?: Jsep;
  error?: { code: number; reason: string };
  [extra: string]: unknown;
}
