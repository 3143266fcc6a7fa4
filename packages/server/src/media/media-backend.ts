/**
 * The media plane as sessions see it: a room per session, and in it each
 * participant's sending connection (a publisher) and receiving connection (a
 * subscriber). Janus implements it (MediaPlane → JanusRoom → JanusPublisher,
 * JanusSubscriber); a peer-to-peer backend for one-to-one calls, or rooms
 * spread over several Janus nodes, fit the same shape. Nothing of Janus's wire
 * format crosses this line: no VideoRoom requests, handles or error codes.
 */
import type { EventMap } from '@parley/protocol';

/** An SDP offer or answer as browsers and media servers exchange it. */
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

/** What listening on an emitter of the event map `E` looks like (TypedEmitter has it). */
export interface Observable<E extends EventMap<E>> {
  on<K extends keyof E>(event: K, listener: (...args: E[K]) => unknown): () => void;
}

export type TrackKind = 'audio' | 'video';

/** One track a publisher sends: its m-line in the publisher's connection, and its kind. */
export interface PublishedTrack {
  readonly mid: string;
  readonly kind: TrackKind;
}

/** One m-line of a subscriber connection and the publisher track it carries. */
export interface ReceivedTrack {
  mid: string;
  /** The publisher's feed; 0 for a slot without one (a data channel, a freed slot). */
  feedId: number;
  /** The track's mid in the publisher's own connection, when the backend names it. */
  feedMid?: string;
  kind: TrackKind | 'data';
  /** False once the feed stopped (its publisher left or was dropped): the m-line stays, inactive. */
  active: boolean;
}

export interface SubscriptionChange {
  /** The new offer for the browser, or null when nothing needs renegotiating. */
  offer: OfferJsep | null;
  /** Every track of the subscription now, in m-line order. */
  tracks: ReceivedTrack[];
}

/**
 * What one video m-line of a subscriber connection sends: nothing (`send` false; the m-line
 * stays), or its publisher's simulcast `layer` (0 the smallest … 2 the full picture; a feed
 * without simulcast has one picture whatever the layer).
 */
export interface VideoStreamSetting {
  mid: string;
  send: boolean;
  layer?: 0 | 1 | 2;
}

/** The media server sees packets lost on a connection. */
export interface SlowLink {
  mid?: string;
  media?: string;
  /**
   * The direction as the media server marks it. Not to be trusted for a subscriber: Janus 1.1.2
   * marks the losses of a connection that only receives `true` (measured in tests/e2e/simulcast.test.ts).
   */
  uplink: boolean;
  lost: number;
}

/** What the media server measured of one direction of a connection over its last interval. */
export interface LinkReading {
  /** Packets lost on the network, 0–100 (before retransmissions recover some). */
  lossPercent: number;
  jitterMs: number;
  /** What moved that way in the last second. */
  bytesPerSecond: number;
}

/**
 * The media server's own view of one connection, reported every few seconds: what it received
 * (a publisher's uplink) and what it sent (a subscriber's downlink), each only when media moved
 * that way, and the round trip it measured (null before one was).
 */
export interface ConnectionStats {
  received?: LinkReading;
  sent?: LinkReading;
  /**
   * `sent` per m-line (mid) of the connection: a subscriber's receiver reports per stream, so
   * the losses of one sender's media can be told apart from the others'.
   */
  sentByMid?: Readonly<Record<string, LinkReading>>;
  /** Per m-line, the packets received so far and how many the media server found missing (cumulative). */
  receivedTotals?: Readonly<Record<string, { packets: number; lost: number }>>;
  /** Per m-line, the packets sent so far and how many of them the browser asked again for (cumulative). */
  sentTotals?: Readonly<Record<string, { packets: number; nacked: number }>>;
  rttMs: number | null;
}

export interface MediaBackendEvents {
  /** A media node went away; its rooms emitted `lost` first. */
  nodeLost: [node: string];
}

export interface MediaBackend extends Observable<MediaBackendEvents> {
  /** Makes the room of a session (on the node the backend picks for it). */
  createRoom(sessionId: string): Promise<MediaRoom>;
  /**
   * Destroys the rooms these sessions have on the backend's nodes, left by a
   * process that died (before this one makes theirs); never rejects.
   */
  destroyStaleRooms?(sessionIds: readonly string[]): Promise<void>;
  /** One line for /healthz. */
  status(): string;
  close(): Promise<void>;
}

export interface MediaRoomEvents {
  /** The room's node went away: the room and every connection in it are gone. */
  lost: [];
}

export interface MediaRoom extends Observable<MediaRoomEvents> {
  /** The backend's number for the room (for logs and tools). */
  readonly id: number;
  /** The node the room lives on (its first, when it spans several). */
  readonly node: string;
  /** Where a participant's connections are, for a room spread over several nodes; `node` otherwise. */
  nodeOf?(participant: string): string | undefined;
  /**
   * A sending connection for one participant; `feedId` names it in the room. `participant`
   * (their uid) keeps all their connections on one node of a room spread over several.
   */
  createPublisher(opts: { feedId: number; display: string; participant?: string }): Promise<MediaPublisher>;
  createSubscriber(opts?: { participant?: string }): Promise<MediaSubscriber>;
  /** Records every publisher, present and to come, into `dir`; each file starts with a key frame. */
  startRecording(dir: string): Promise<void>;
  stopRecording(): Promise<void>;
  /** Closes every connection made here and the room. Idempotent. */
  destroy(): Promise<void>;
}

export interface ConnectionEvents {
  /** Media flows: ICE and DTLS are done. */
  connected: [];
  /** The connection went down. */
  disconnected: [reason: string];
  /** A candidate of the media server's, for the browser; null once it has gathered all. */
  candidate: [candidate: IceCandidate | null];
  slowLink: [info: SlowLink];
  /** The media server's view of the connection (backends that have one: Janus with its event handler). */
  stats: [stats: ConnectionStats];
}

export interface MediaPublisherEvents extends ConnectionEvents {
  /** The audio started (true) or stopped (false) being loud enough to count as talking. */
  talking: [talking: boolean];
  /** The media server stopped (false) or started again (true) receiving this publisher's `kind` of media. */
  receiving: [receiving: boolean, kind: TrackKind];
}

export interface MediaPublisher extends Observable<MediaPublisherEvents> {
  readonly feedId: number;
  /** The tracks the server has from this publisher, as of its last answer. */
  readonly tracks: readonly PublishedTrack[];
  /** The browser's first offer; resolves with the server's answer. */
  publish(offer: OfferJsep): Promise<AnswerJsep>;
  /** A later offer from the same browser (tracks added, removed, replaced). */
  renegotiate(offer: OfferJsep): Promise<AnswerJsep>;
  /** An offer with new ICE credentials (the browser's network changed); the answer carries the server's new ones. */
  restartIce(offer: OfferJsep): Promise<AnswerJsep>;
  /** Asks the browser for a key frame of each video track (a new recorder or receiver needs one). */
  requestKeyFrame(): Promise<void>;
  /** A candidate of the browser's; null once it has gathered all. */
  trickle(candidate: IceCandidate | null): Promise<void>;
  /** Leaves the room. Idempotent, never rejects. */
  close(): Promise<void>;
}

export interface SubscriberEvents extends ConnectionEvents {
  /**
   * The media server changed the subscription by itself (a remote publisher on another node
   * left): with an `offer`, the browser renegotiates and answers with `answer()`, as for our own changes.
   */
  updated: [change: SubscriptionChange];
}

export interface MediaSubscriber extends Observable<SubscriberEvents> {
  readonly tracks: readonly ReceivedTrack[];
  /** Adds feeds (all their tracks, or the one `mid` of each). */
  subscribe(feeds: ReadonlyArray<{ feedId: number; mid?: string }>): Promise<SubscriptionChange>;
  /** Removes every track of these feeds. */
  unsubscribe(feedIds: readonly number[]): Promise<SubscriptionChange>;
  /** The browser's answer to the last offer: media starts or resumes. */
  answer(answer: AnswerJsep): Promise<void>;
  /** Changes what these video m-lines send (no renegotiation); m-lines not named keep theirs. */
  setVideo(streams: readonly VideoStreamSetting[]): Promise<void>;
  /** A new offer with new ICE credentials, for the browser to answer (its network changed). */
  restartIce(): Promise<OfferJsep>;
  trickle(candidate: IceCandidate | null): Promise<void>;
  close(): Promise<void>;
}
