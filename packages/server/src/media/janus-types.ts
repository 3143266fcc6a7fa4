/**
 * Shapes of the Janus JSON API that cross our module boundaries. Only the
 * fields we read are typed; Janus adds more, which we pass through untouched.
 */

/** An SDP offer or answer as Janus and browsers exchange it. */
export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  [extra: string]: unknown;
}

export interface OfferJsep extends Jsep {
  type: 'offer';
}

export interface AnswerJsep extends Jsep {
  type: 'answer';
}

/** One ICE candidate (the browser's RTCIceCandidateInit, without DOM types). */
export interface IceCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** The `plugindata.data` of a plugin answer or event. */
export type PluginData = Record<string, unknown>;

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
