/**
 * What a participant is made of, from the two places one comes from: a join
 * (their call token and what their client asked) and the live state persisted
 * before a restart (store/live-sessions-store.ts). The session adds its log
 * and its hooks.
 */
import type { ParsedParams } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';
import type { LiveParticipantRecord } from '../store/live-sessions-store.ts';
import type { CallTokenClaims } from '../tokens/call-token.ts';
import type { ParticipantInit, ParticipantLink } from './participant.ts';

export type ParticipantFields = Omit<ParticipantInit, 'log' | 'hooks'>;

/** Someone joining now on `link`, their publisher to be `feedId` in the session's room. */
export function initFromJoin(
  claims: CallTokenClaims,
  params: ParsedParams<'join'>,
  joined: { at: Date; feedId: number; link: ParticipantLink; resumeTokenHash: Buffer },
): ParticipantFields {
  return {
    info: {
      uid: claims.uid,
      name: claims.name,
      avatar: claims.avatar,
      joinedAt: joined.at.getTime(),
      isAudioMuted: params.audioMuted,
      isVideoMuted: params.audioOnly || params.videoMuted,
      isAudioOnly: params.audioOnly,
    },
    feedId: joined.feedId,
    canRecord: claims.canRecord,
    idleTimeoutSeconds: params.idleTimeoutSeconds ?? DEFAULTS.idleTimeoutSeconds,
    link: joined.link,
    resumeTokenHash: joined.resumeTokenHash,
  };
}

/** Someone who was in the session before the restart: away, without a link, until their client resumes. */
export function initFromRecord(p: LiveParticipantRecord, away: NonNullable<ParticipantInit['away']>): ParticipantFields {
  return {
    info: {
      uid: p.uid,
      name: p.name,
      avatar: p.avatar,
      joinedAt: p.joinedAt.getTime(),
      isAudioMuted: p.audioMuted,
      isVideoMuted: p.videoMuted,
      isAudioOnly: p.audioOnly,
    },
    feedId: p.feedId,
    canRecord: p.canRecord,
    idleTimeoutSeconds: p.idleTimeoutSeconds,
    link: null,
    resumeTokenHash: p.resumeTokenHash,
    away,
  };
}
