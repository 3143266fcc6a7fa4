/**
 * What a webhook says: the event types, the envelope every delivery carries
 * (`id`, `type`, `createdAt`, `data`), and each event's data from what
 * happened. Session and participant events carry the protocol's shapes
 * (`Participant`), recording events the REST `Recording`, call events the
 * REST call log entry (`GET /v1/calls/:sessionId`).
 */
import { randomUUID } from 'node:crypto';
import type { CallLog, CallStatus, Recording, WebhookEventBody, WebhookEventName } from '@parley/protocol';
import type { DomainEvent } from '../sessions/domain-events.ts';

export { WEBHOOK_EVENT_NAMES as WEBHOOK_EVENT_TYPES } from '@parley/protocol';
export type WebhookEventType = WebhookEventName;

/** `id` is `evt_…`, unique: receivers deduplicate on it. */
export type WebhookEvent = WebhookEventBody;

export function webhookEvent(type: WebhookEventType, data: unknown, at = new Date()): WebhookEvent {
  return { id: `evt_${randomUUID()}`, type, createdAt: at.toISOString(), data };
}

/** The call event a ringing call's final status is told as. */
export const CALL_FINISHED_EVENT: Record<Exclude<CallStatus, 'initiated' | 'ongoing'>, WebhookEventType> = {
  ended: 'call.ended',
  rejected: 'call.rejected',
  busy: 'call.rejected',
  cancelled: 'call.cancelled',
  unanswered: 'call.unanswered',
};

const sessionOf = (e: DomainEvent<'session.started'>) => ({ sessionId: e.session.sessionId, kind: e.session.kind, media: e.session.media });

export const sessionStarted = (e: DomainEvent<'session.started'>) => ({ session: { ...sessionOf(e), participants: e.session.list() } });
export const sessionEnded = (e: DomainEvent<'session.ended'>) => ({ session: sessionOf(e), reason: e.reason });
export const participantJoined = (e: DomainEvent<'participant.joined'>) => ({
  sessionId: e.session.sessionId,
  participant: e.participant.info,
  joinedAt: e.joinedAt.toISOString(),
});
export const participantLeft = (e: DomainEvent<'participant.left'>) => ({
  sessionId: e.session.sessionId,
  participant: e.participant.info,
  reason: e.reason,
  leftAt: e.leftAt.toISOString(),
});
export const recordingData = (recording: Recording, error?: string) => ({ sessionId: recording.sessionId, recording, ...(error === undefined ? {} : { error }) });
export const callData = (call: CallLog) => ({ call });
