/**
 * The WebSocket protocol at /v1/ws. Client requests carry an `id` and get
 * exactly one `response`; the server also pushes events. Both sides import
 * these schemas, and the server validates every incoming message with them.
 */
import { z } from 'zod';
import {
  type Call,
  CallIdParams,
  CallResult,
  InitiateCallParams,
  RejectCallParams,
  UserLoginParams,
  UserLoginResult,
} from './calls.ts';
import { type NetworkQuality, QualitySample, QualitySampleResult } from './quality.ts';
import { CallKind, SESSION_ID, UID } from './rest.ts';
import { type VideoPauseReason, VideoViewsParams } from './video-views.ts';

export const Jsep = z.strictObject({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().min(1).max(200_000),
});
export const Offer = Jsep.extend({ type: z.literal('offer') });
export const Answer = Jsep.extend({ type: z.literal('answer') });
export type Jsep = z.infer<typeof Jsep>;

/** A trickled candidate; `null` means gathering is complete. */
export const IceCandidate = z
  .strictObject({
    candidate: z.string().max(2_000),
    sdpMid: z.string().max(64).nullable().optional(),
    sdpMLineIndex: z.number().int().min(0).max(1_000).nullable().optional(),
    usernameFragment: z.string().max(256).nullable().optional(),
  })
  .nullable();
export type IceCandidate = z.infer<typeof IceCandidate>;

/** A client's peer connections: camera and microphone, everything received, and a screen share's own. */
export const PeerTarget = z.enum(['publisher', 'subscriber', 'screen']);
export type PeerTarget = z.infer<typeof PeerTarget>;

/** The seed's RTCUser: one person in a session, as everyone sees them. */
export const Participant = z.object({
  uid: UID,
  name: z.string(),
  avatar: z.string().nullable(),
  joinedAt: z.number(),
  isAudioMuted: z.boolean(),
  isVideoMuted: z.boolean(),
  isAudioOnly: z.boolean(),
});
export type Participant = z.infer<typeof Participant>;

/**
 * What a participant publishes, keyed by where it comes from. A publication
 * carries one or more tracks: `camera` video, `microphone` audio, and a
 * `screen` share's video with the tab's audio when the browser gives it.
 */
export const PUBLICATION_SOURCES = ['camera', 'microphone', 'screen'] as const;
export const PublicationSource = z.enum(PUBLICATION_SOURCES);
export type PublicationSource = z.infer<typeof PublicationSource>;

/** One m-line of a participant's subscriber connection: whose publication, which kind of track. */
export const SubscriberStream = z.object({
  mid: z.string(),
  uid: UID,
  source: PublicationSource,
  kind: z.enum(['audio', 'video']),
  active: z.boolean(),
});
export type SubscriberStream = z.infer<typeof SubscriberStream>;

export const JoinParams = z.strictObject({
  token: z.string().min(1).max(8_192),
  /** The session the client means to join; the token must be for it. */
  sessionId: SESSION_ID.optional(),
  audioOnly: z.boolean().default(false),
  audioMuted: z.boolean().default(false),
  videoMuted: z.boolean().default(false),
  idleTimeoutSeconds: z.number().int().min(1).max(86_400).optional(),
});
/** A TURN (or STUN) server for RTCPeerConnection's iceServers, with a credential for this user. */
export const IceServer = z.object({
  urls: z.array(z.string()),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/** Why a client's connections lead nowhere: its media node was lost, the server restarted, or the client replaced them itself (`media.replace`). */
export const MEDIA_RESTART_REASONS = ['media-node-lost', 'server-restarted', 'connections-replaced'] as const;
export type MediaRestartReason = (typeof MEDIA_RESTART_REASONS)[number];

export const JoinResult = z.object({
  sessionId: SESSION_ID,
  kind: CallKind,
  self: Participant,
  participants: z.array(Participant),
  recording: z.boolean(),
  /**
   * Secret for `resume`: after the socket drops, a new socket sends it within the
   * reconnect grace period and takes the participant's place, with no leave or join
   * seen by others (media flows browser ↔ Janus meanwhile).
   */
  resumeToken: z.string(),
  /**
   * TURN servers with short-lived credentials for this user (issued again on `resume`):
   * use them for both peer connections. Absent when the server has no TURN.
   */
  iceServers: z.array(IceServer).optional(),
  /** Who shares their screen now (one share at a time: a new one replaces the one before), or null. */
  screenSharer: UID.nullable().optional(),
  /**
   * On a `resume` only: the session's media room was made again while this client was
   * away (the server restarted, or its media server did), so its peer connections lead
   * nowhere — publish and subscribe again on new connections, as after `media.restart`.
   */
  mediaRestart: z.enum(MEDIA_RESTART_REASONS).optional(),
});
export type JoinResult = z.infer<typeof JoinResult>;

const Empty = z.strictObject({});

/** Every request a client can make: its params schema and its result schema. */
export const REQUESTS = {
  join: { params: JoinParams, result: JoinResult },
  /** A new socket takes the place of one that dropped (see JoinResult.resumeToken). */
  resume: { params: z.strictObject({ resumeToken: z.string().min(16).max(200) }), result: JoinResult },
  publish: { params: z.strictObject({ jsep: Offer }), result: z.object({ jsep: Answer }) },
  'subscriber.answer': { params: z.strictObject({ jsep: Answer }), result: z.object({}) },
  /**
   * ICE restart of one peer connection, the participant staying in the call. Publisher (and our
   * screen share's): an offer made with `iceRestart`, answered by the media server. Subscriber:
   * the media server makes a new offer, which comes as a `subscriber.offer` event (answer it as any other).
   */
  'ice.restart': {
    params: z.discriminatedUnion('target', [
      z.strictObject({ target: z.literal('publisher'), jsep: Offer }),
      z.strictObject({ target: z.literal('screen'), jsep: Offer }),
      z.strictObject({ target: z.literal('subscriber') }),
    ]),
    result: z.object({ jsep: Answer.optional() }),
  },
  /**
   * ICE restarts did not bring our camera's or our receiving connection back in time: the client
   * replaces both with new peer connections. The server closes the old ones at the media server (what
   * we published ends for the others until we publish again); our next `publish` makes the new
   * publisher, and the new subscriber gets its offer once we published (as after `media.restart`).
   */
  'media.replace': { params: Empty, result: z.object({}) },
  trickle: { params: z.strictObject({ target: PeerTarget, candidate: IceCandidate }), result: z.object({}) },
  /**
   * Our receiving connection carries media again after an ICE restart: the server asks its
   * publishers for key frames (Janus tells of a connection's first start only), so the video
   * does not wait for the browser's own key frame request.
   */
  'subscriber.restored': { params: Empty, result: z.object({}) },
  /**
   * A screen share: the offer of a second publisher connection whose tracks (the screen's
   * video, the tab's audio when the browser gives it) are the `screen` publication. The first
   * offer makes the connection, later ones renegotiate it. Once its media flows everyone gets
   * `screenShare.started`; a share someone else had running is stopped (one share at a time).
   */
  'screen.publish': { params: z.strictObject({ jsep: Offer }), result: z.object({ jsep: Answer }) },
  /** Ends our screen share (harmless when there is none); everyone gets `screenShare.stopped`. */
  'screen.stop': { params: Empty, result: z.object({}) },
  /** How this client shows each remote video now (video-views.ts): the server picks each feed's simulcast layer from it. */
  'subscriber.views': { params: VideoViewsParams, result: z.object({}) },
  mute: {
    params: z
      .strictObject({ audioMuted: z.boolean().optional(), videoMuted: z.boolean().optional() })
      .refine((p) => p.audioMuted !== undefined || p.videoMuted !== undefined, 'give audioMuted or videoMuted'),
    result: z.object({ participant: Participant }),
  },
  leave: { params: Empty, result: z.object({}) },
  ping: { params: Empty, result: z.object({ now: z.number() }) },
  /**
   * The SDK's own measure, sent once after joining: milliseconds from sending `join` to the
   * first decoded remote video frame (or audio packet, in an audio call). Feeds a histogram only.
   */
  'metrics.joinTiming': {
    params: z.strictObject({ firstRemoteFrameMs: z.number().finite().min(0).max(600_000) }),
    result: z.object({}),
  },
  /**
   * The SDK's call-quality sample, every few seconds while joined (quality.ts): stored for the
   * call's quality timeline, and its score told to the others (`participant.quality`) when it changed.
   */
  'quality.sample': { params: QualitySample, result: QualitySampleResult },
  /** Starts recording the session; starting while it records is harmless. Needs the token's canRecord. */
  'recording.start': { params: Empty, result: z.object({ recording: z.boolean(), recordingId: z.string().nullable() }) },
  /** Stops recording; stopping when nothing records is harmless. Needs the token's canRecord. */
  'recording.stop': { params: Empty, result: z.object({ recording: z.boolean(), recordingId: z.string().nullable() }) },
  /** "Stay" in the idle warning: restarts the countdown of a participant who is alone (harmless otherwise). */
  'session.stay': { params: Empty, result: z.object({ alone: z.boolean() }) },
  /** Asks the others to switch this audio-only session to video; they get `video.switchRequested`. */
  'video.requestSwitch': { params: Empty, result: z.object({}) },
  /** Answers the pending switch request: accept switches the session to video, decline tells everyone. */
  'video.answerSwitch': { params: z.strictObject({ accept: z.boolean() }), result: z.object({}) },
  // ——— the ringing flow: a user channel, not a session (calls.ts) ———
  /** Makes this connection a user channel for the auth token's user (one per tab). */
  'user.login': { params: UserLoginParams, result: UserLoginResult },
  /** Rings `receiverUid`; answers at once with status `busy` when they are in a call. */
  'call.initiate': { params: InitiateCallParams, result: CallResult },
  /** The receiver answers; both sides then join `sessionId` as a direct session. */
  'call.accept': { params: CallIdParams, result: CallResult },
  'call.reject': { params: RejectCallParams, result: CallResult },
  /** The caller gives up before an answer. */
  'call.cancel': { params: CallIdParams, result: CallResult },
  /** Either side ends an answered call; its live session ends for both. */
  'call.end': { params: CallIdParams, result: CallResult },
} as const;

export type RequestType = keyof typeof REQUESTS;
export type RequestParams<T extends RequestType> = z.input<(typeof REQUESTS)[T]['params']>;
export type ParsedParams<T extends RequestType> = z.output<(typeof REQUESTS)[T]['params']>;
export type RequestResult<T extends RequestType> = z.infer<(typeof REQUESTS)[T]['result']>;

/** The outer frame of a request; its params are checked against REQUESTS[type]. */
export const RequestFrame = z.strictObject({
  id: z.string().min(1).max(64),
  type: z.string().min(1).max(64),
  params: z.unknown().optional(),
});
export type RequestFrame = z.infer<typeof RequestFrame>;

export const ErrorPayload = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() });

export type ResponseFrame =
  | { type: 'response'; id: string; ok: true; result: unknown }
  | { type: 'response'; id: string; ok: false; error: z.infer<typeof ErrorPayload> };

/** `server-unavailable` is the SDK's own: the server stayed unreachable past the reconnect window. */
export const SESSION_END_REASONS = ['call-ended', 'timeout', 'media-failure', 'replaced', 'server-shutdown', 'server-unavailable'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];
export const LEAVE_REASONS = ['left', 'disconnected', 'timeout', 'replaced'] as const;
export type LeaveReason = (typeof LEAVE_REASONS)[number];

/** Everything the server pushes without being asked, by event name. */
export interface ServerEvents {
  'participant.joined': { participant: Participant };
  'participant.left': { participant: Participant; reason: LeaveReason };
  'participants.changed': { participants: Participant[] };
  'participant.muted': { participant: Participant; mutedBy: string };
  'subscriber.offer': { jsep: Jsep; streams: SubscriberStream[] };
  trickle: { target: PeerTarget; candidate: IceCandidate };
  'session.ended': { reason: SessionEndReason };
  /**
   * The session's media room was made again (its media server restarted, or this server did):
   * publish and subscribe again on new connections. Nobody left; mute states are kept.
   */
  'media.restart': { reason: MediaRestartReason };
  /** This server is stopping: the call goes on for up to `graceSeconds`, then resumes on the restarted server. */
  'server.draining': { graceSeconds: number };
  /** Recording started or stopped; goes to everyone, the one who asked included. */
  'recording.toggled': { recording: boolean; by: RecordingActor; recordingId: string };
  /** Alone in the session: it ends for you in `secondsLeft` unless you send `session.stay`. */
  'session.idleWarning': { secondsLeft: number };
  /** Someone (uid `initiator`) asks to switch the audio-only session to video: answer with `video.answerSwitch`. */
  'video.switchRequested': { initiator: string };
  /** The session is a video session now: `initiator` asked, `responder` accepted. Goes to everyone. */
  'video.switched': { initiator: string; responder: string };
  /** `responder` declined `initiator`'s request to switch to video. Goes to everyone. */
  'video.switchDeclined': { initiator: string; responder: string };
  /** `initiator`'s request went unanswered in time, or they left: nobody needs to answer it now. Goes to everyone left. */
  'video.switchWithdrawn': { initiator: string; reason: 'timeout' | 'left' };
  /**
   * Who speaks now (Janus's audio levels, decided by the server): the one talking, the
   * latest to start when several do; null once nobody has talked for a moment. Goes to everyone.
   */
  'session.activeSpeaker': { uid: string | null };
  /** `uid`'s screen share reaches everyone now (its `screen` publication). Goes to everyone, the sharer included. */
  'screenShare.started': { uid: string };
  /**
   * `uid`'s screen share ended: they stopped it, left, or another share replaced it (to the sharer:
   * stop capturing). Goes to everyone, the sharer included.
   */
  'screenShare.stopped': { uid: string };
  /**
   * Video from the others stopped (`paused`) or came back: this client's link could not carry even
   * the lowest layer, and the server probes again after a quiet while. Audio never stops.
   */
  'subscriber.videoPaused': { paused: boolean; reason: VideoPauseReason };
  /**
   * Someone's network quality (0 lost … 5 excellent), as their own SDK measured it; sent when it
   * changes, and to a newcomer for everyone already scored. Never about yourself (you measure your own).
   */
  'participant.quality': { uid: string; quality: NetworkQuality };
  /** User channel: a call rings for you (every tab of the receiver). */
  'call.incoming': { call: Call };
  /** User channel, caller: the receiver accepted. */
  'call.accepted': { call: Call };
  /** User channel, caller: rejected, busy or unanswered (`call.status` says which). */
  'call.rejected': { call: Call };
  /** User channel, receiver: the ringing stopped (cancelled, unanswered, or answered or declined in another tab). */
  'call.cancelled': { call: Call };
  /** User channel: the call ended (by the other side, or its session ended). */
  'call.ended': { call: Call; by: string | null };
}

/** Who started or stopped a recording (the seed's user, as far as recording needs it). */
export interface RecordingActor {
  uid: string;
  name: string;
}
export type ServerEventName = keyof ServerEvents;
export type EventFrame = {
  [K in ServerEventName]: { type: 'event'; event: K; data: ServerEvents[K] };
}[ServerEventName];

export type ServerFrame = ResponseFrame | EventFrame;

export { CLOSE_CODES } from './close-codes.ts';
