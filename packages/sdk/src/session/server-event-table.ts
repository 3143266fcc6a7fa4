/**
 * How the server's session events become the SDK's: one row per server event,
 * in one table. A row updates what the session knows (the roster, the call's
 * facts) and emits the app event that makes; the session only routes frames
 * here. A server event with no row does not compile.
 */
import type { ArgsOf, IceCandidate, Jsep, NetworkQuality, PeerTarget, ServerEventName, ServerEvents, SessionEndReason, SubscriberStream } from '@parley/protocol';
import type { CallEvents, RTCUser } from '../api/events.ts';
import { reportNetworkQuality } from '../quality/report-quality.ts';
import type { Roster } from './roster.ts';
import { screenShareStarted, screenShareStopped } from './screen-share-events.ts';

/** The server events about a session; the `call.*` ones are the ringing flow's (calls/ringing-client.ts). */
export type SessionEventName = Exclude<ServerEventName, `call.${string}`>;

/** What the server told us about the call besides who is in it. The session owns it; rows update it. */
export interface CallFacts {
  recording: boolean;
  /** Who asked us to switch to video, while we have not answered. */
  videoRequest: string | undefined;
  /** Who speaks now, as the server last said (null: nobody). */
  activeSpeaker: string | null;
  /** Who shares their screen now, ourselves included (null: nobody). */
  screenSharer: string | null;
  /** Each participant's latest network quality (onNetworkQualityChanged), ours included. */
  networkQuality: Map<string, NetworkQuality>;
}

/** What a row may use of the session. */
export interface ServerEventContext {
  readonly roster: Roster;
  readonly facts: CallFacts;
  readonly sessionId: string;
  emit<E extends keyof CallEvents>(event: E, ...args: ArgsOf<CallEvents>[E]): void;
  /** Steps of the session's own that some events start. */
  answerSubscriberOffer(jsep: Jsep, streams: SubscriberStream[]): void;
  addRemoteCandidate(target: PeerTarget, candidate: IceCandidate): void;
  /** The call is a video call now; the asker and the accepter turn their cameras on. */
  becameVideoCall(initiator: string, responder: string): void;
  endedByServer(reason: SessionEndReason): void;
  /**
   * The session's media room was made again: publish and subscribe again on new connections.
   * `afterResume`: the app heard onReconnecting for this outage already.
   */
  restartMedia(afterResume?: boolean): void;
  /** The server ended our screen share without our asking (a newer share replaced it): release the capture. */
  screenShareEnded(): void;
}

export interface Row<E extends SessionEventName> {
  /**
   * 'joined': applied only in the call (joined, or connecting with the join on
   * its way); dropped while reconnecting, when the resume catches up instead.
   * 'always': media and the end of the session.
   * 'atOnce': as 'always', and not held while the session starts (CallSession
   * holds the rest until the join is taken and the view built): answering a
   * subscriber offer needs neither, and waiting for them held it back 19–23 ms
   * (bench:join, p50) while a bare Janus page answers at once.
   */
  when: 'joined' | 'always' | 'atOnce';
  apply(s: ServerEventContext, data: ServerEvents[E]): void;
}

const whileJoined = <E extends SessionEventName>(apply: Row<E>['apply']): Row<E> => ({ when: 'joined', apply });
const always = <E extends SessionEventName>(apply: Row<E>['apply']): Row<E> => ({ when: 'always', apply });
const atOnce = <E extends SessionEventName>(apply: Row<E>['apply']): Row<E> => ({ when: 'atOnce', apply });

export const SERVER_EVENT_TABLE: { readonly [E in SessionEventName]: Row<E> } = {
  'participant.joined': whileJoined((s, { participant }) => s.emit('onUserJoined', s.roster.upsert(participant))),
  'participant.left': whileJoined((s, { participant }) => reportLeft(s, s.roster.remove(participant))),
  'participants.changed': whileJoined((s, { participants }) => s.emit('onUserListChanged', s.roster.replace(participants))),
  'participant.muted': whileJoined((s, { participant, mutedBy }) => {
    const muted = s.roster.upsert(participant);
    s.emit('onUserMuted', { muted, mutedBy, isAudioMuted: participant.isAudioMuted, isVideoMuted: participant.isVideoMuted });
  }),
  'session.activeSpeaker': whileJoined((s, { uid }) => speakerIs(s, uid)),
  'participant.quality': whileJoined((s, { uid, quality }) => {
    // Our own comes from our measure (QualityMonitor), never from the server.
    if (s.roster.has(uid) && uid !== s.roster.selfUid) reportNetworkQuality(s, uid, quality);
  }),
  'screenShare.started': whileJoined((s, { uid }) => screenShareStarted(s, uid)),
  'screenShare.stopped': whileJoined((s, { uid }) => screenShareStopped(s, uid)),
  'recording.toggled': whileJoined((s, { recording, by, recordingId }) => {
    s.facts.recording = recording;
    s.emit('onRecordingToggled', { recording, by, recordingId, ...(recording ? { startedBy: by.uid } : {}) });
  }),
  'session.idleWarning': whileJoined((s, { secondsLeft }) => s.emit('onIdleWarning', { secondsLeft })),
  'video.switchRequested': whileJoined((s, { initiator }) => {
    s.facts.videoRequest = initiator;
    s.emit('onCallSwitchToVideoRequested', { sessionId: s.sessionId, initiator });
  }),
  'video.switched': whileJoined((s, { initiator, responder }) => {
    s.facts.videoRequest = undefined;
    s.becameVideoCall(initiator, responder);
    s.emit('onCallSwitchedToVideo', { sessionId: s.sessionId, initiator, responder });
  }),
  'video.switchDeclined': whileJoined((s, { initiator, responder }) => {
    s.facts.videoRequest = undefined;
    s.emit('onCallSwitchToVideoDeclined', { sessionId: s.sessionId, initiator, responder });
  }),
  'video.switchWithdrawn': whileJoined((s, { initiator, reason }) => {
    s.facts.videoRequest = undefined;
    s.emit('onCallSwitchToVideoWithdrawn', { sessionId: s.sessionId, initiator, reason });
  }),
  'subscriber.offer': atOnce((s, { jsep, streams }) => s.answerSubscriberOffer(jsep, streams)),
  'subscriber.videoPaused': whileJoined((s, { paused, reason }) => s.emit('onRemoteVideoPaused', { paused, reason })),
  trickle: always((s, { target, candidate }) => s.addRemoteCandidate(target, candidate)),
  'session.ended': always((s, { reason }) => s.endedByServer(reason)),
  'media.restart': always((s) => s.restartMedia()),
  // Nothing to do yet: when this server goes, we resume on the restarted one as after any dropped socket.
  'server.draining': whileJoined(() => undefined),
};

/** Someone left (told by the server, or found out after a resume); if they were speaking, nobody is now. */
export function reportLeft(s: ServerEventContext, user: RTCUser): void {
  s.emit('onUserLeft', user);
  screenShareStopped(s, user.uid, user);
  s.facts.networkQuality.delete(user.uid);
  if (s.facts.activeSpeaker === user.uid) speakerIs(s, null);
}

/** The server named who speaks: the app hears of it when that changed. Someone not in the call counts as nobody. */
function speakerIs(s: ServerEventContext, uid: string | null): void {
  const user = uid === null ? undefined : s.roster.get(uid);
  const now = user?.uid ?? null;
  if (now === s.facts.activeSpeaker) return;
  s.facts.activeSpeaker = now;
  s.emit('onActiveSpeakerChanged', user ?? null);
}
