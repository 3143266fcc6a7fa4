/**
 * What each signaling request does. `join` binds the connection; every other
 * request acts only on the session and participant that binding names.
 */
import { ParleyError, type RequestResult } from '@parley/protocol';
import { sha256 } from '../secrets.ts';
import type { CallSession } from '../sessions/call-session.ts';
import type { ParticipantView } from '../sessions/participant.ts';
import { verifyCallToken } from '../tokens/call-token.ts';
import type { Binding, RequestContext, RequestHandlers } from './request-context.ts';
import { newResumeToken, sessionOfResumeToken } from './resume-tokens.ts';
import { ringingHandlers } from './ringing-handlers.ts';

function bound(conn: RequestContext): Binding {
  const binding = conn.binding;
  if (!binding || binding.participant.state === 'left') throw new ParleyError('NOT_JOINED');
  return binding;
}

function recordingsOf(conn: RequestContext) {
  if (!conn.deps.recordings) throw new ParleyError('INVALID_STATE', 'Recording is not available on this server');
  return conn.deps.recordings;
}

function joinedResult(conn: RequestContext, session: CallSession, participant: ParticipantView, resumeToken: string): RequestResult<'join'> {
  const iceServers = conn.deps.iceServers?.(participant.uid);
  return {
    ...(iceServers ? { iceServers } : {}),
    sessionId: session.sessionId,
    kind: session.kind,
    self: participant.info,
    participants: session.list().filter((p) => p.uid !== participant.uid),
    recording: session.recording.recording,
    screenSharer: session.screenSharer,
    resumeToken,
  };
}

/** Participants whose join timing was reported already. */
const timed = new WeakSet<ParticipantView>();

export const handlers: RequestHandlers = {
  async join(conn, params) {
    if (conn.binding) throw new ParleyError('ALREADY_JOINED');
    const claims = await verifyCallToken(conn.deps.tokenSecret, params.token, params.sessionId);
    conn.deps.limits.joins.take(claims.uid);
    const resumeToken = newResumeToken(claims.sessionId); // names its session: any process finds the owner
    const { session, participant } = await conn.deps.registry.join(claims, params, conn, sha256(resumeToken));
    conn.binding = { session, participant };
    conn.log.info({ sessionId: session.sessionId, uid: participant.uid }, 'joined');
    return joinedResult(conn, session, participant, resumeToken);
  },

  async resume(conn, { resumeToken }) {
    if (conn.binding) throw new ParleyError('ALREADY_JOINED');
    const found = await conn.deps.registry.findOrTakeOver(sha256(resumeToken), sessionOfResumeToken(resumeToken));
    if (!found) throw new ParleyError('SESSION_ENDED', 'Nothing to resume: the session ended or the participant was removed');
    const { mediaRestart } = await found.session.resume(found.participant, conn);
    conn.binding = found;
    conn.log.info({ sessionId: found.session.sessionId, uid: found.participant.uid, mediaRestart }, 'resumed');
    return { ...joinedResult(conn, found.session, found.participant, resumeToken), ...(mediaRestart ? { mediaRestart } : {}) };
  },

  async publish(conn, { jsep }) {
    const { session, participant } = bound(conn);
    return { jsep: await session.publish(participant, jsep) };
  },

  async 'screen.publish'(conn, { jsep }) {
    const { session, participant } = bound(conn);
    return { jsep: await session.publishScreen(participant, jsep) };
  },

  async 'screen.stop'(conn) {
    const { session, participant } = bound(conn);
    await session.stopScreen(participant);
    return {};
  },

  async 'ice.restart'(conn, params) {
    const { session, participant } = bound(conn);
    const answer = await session.restartIce(participant, params.target, 'jsep' in params ? params.jsep : undefined);
    return answer ? { jsep: answer } : {};
  },

  async 'media.replace'(conn) {
    const { session, participant } = bound(conn);
    await session.replaceMedia(participant);
    return {};
  },

  async 'subscriber.restored'(conn) {
    const { session, participant } = bound(conn);
    session.subscriberRestored(participant);
    return {};
  },

  async 'subscriber.answer'(conn, { jsep }) {
    const { session, participant } = bound(conn);
    await session.subscriberAnswer(participant, jsep);
    return {};
  },

  async 'subscriber.views'(conn, { views }) {
    const { session, participant } = bound(conn);
    session.setVideoViews(participant, views);
    return {};
  },

  async trickle(conn, { target, candidate }) {
    const { session, participant } = bound(conn);
    await session.trickle(participant, target, candidate);
    return {};
  },

  async mute(conn, change) {
    const { session, participant } = bound(conn);
    return { participant: await session.mute(participant, change) };
  },

  async leave(conn) {
    const { session, participant } = bound(conn);
    conn.binding = undefined;
    await session.leave(participant);
    return {};
  },

  async 'recording.start'(conn) {
    const { session, participant } = bound(conn);
    const recordings = recordingsOf(conn);
    return session.startRecording(participant, () => recordings.newTarget());
  },

  async 'recording.stop'(conn) {
    const { session, participant } = bound(conn);
    recordingsOf(conn); // a server without recordings refuses both requests alike
    return session.stopRecording(participant);
  },

  async 'session.stay'(conn) {
    const { session, participant } = bound(conn);
    return { alone: session.stay(participant) };
  },

  async 'video.requestSwitch'(conn) {
    const { session, participant } = bound(conn);
    await session.requestVideoSwitch(participant);
    return {};
  },

  async 'video.answerSwitch'(conn, { accept }) {
    const { session, participant } = bound(conn);
    await session.answerVideoSwitch(participant, accept);
    return {};
  },

  async ping() {
    return { now: Date.now() };
  },

  async 'metrics.joinTiming'(conn, { firstRemoteFrameMs }) {
    const { participant } = bound(conn);
    // One measure per participant: a client repeating it cannot skew the histogram.
    if (timed.has(participant)) return {};
    timed.add(participant);
    conn.deps.observed.emit('join.timing', { seconds: firstRemoteFrameMs / 1000 });
    return {};
  },

  async 'quality.sample'(conn, sample) {
    const { session, participant } = bound(conn);
    return conn.deps.quality ? conn.deps.quality.record(session, participant, sample) : { stored: false };
  },

  // The ringing flow (user channels): calls/ringing-handlers.ts.
  ...ringingHandlers,
};
