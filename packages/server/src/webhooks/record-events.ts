/**
 * Which state changes become webhook events, and when they are written: as
 * hooks of the domain events (awaited, so the step that emitted answers only
 * once its event is in the outbox), and around the ringing flow's call log
 * writes. Called from event-wiring.ts and server.ts; nothing else changes.
 */
import type { CallLogReader } from '../calls/call-log-reader.ts';
import type { RecordingsStore } from '../recording/recordings-store.ts';
import { toRecording } from '../recording/recordings-store.ts';
import type { DomainEvents } from '../sessions/domain-events.ts';
import type { SessionsStore } from '../store/index.ts';
import {
  CALL_FINISHED_EVENT,
  callData,
  participantJoined,
  participantLeft,
  recordingData,
  sessionEnded,
  sessionStarted,
  type WebhookEventType,
} from './webhook-events.ts';
import type { Webhooks } from './webhooks.ts';

/** Hooks the session and recording events. Subscribe after the recordings' own hooks (their row exists by then). */
export function recordWebhookEvents(events: DomainEvents, webhooks: Webhooks, recordings: RecordingsStore): void {
  events.hook('session.started', (e) => webhooks.record('session.started', e.session.sessionId, sessionStarted(e)));
  events.hook('participant.joined', (e) => webhooks.record('participant.joined', e.session.sessionId, participantJoined(e)));
  events.hook('participant.left', (e) => webhooks.record('participant.left', e.session.sessionId, participantLeft(e)));
  events.hook('session.ended', (e) => webhooks.record('session.ended', e.session.sessionId, sessionEnded(e)));

  const recording = async (type: WebhookEventType, recordingId: string, error?: string) => {
    const row = await recordings.get(recordingId);
    if (row) await webhooks.record(type, row.sessionId, recordingData(toRecording(row), error));
  };
  events.hook('recording.started', (e) => recording('recording.started', e.recordingId));
  events.hook('recording.ready', (e) => recording('recording.ready', e.recordingId));
  events.hook('recording.failed', (e) => recording('recording.failed', e.recordingId, e.error));
}

type CallWrites = Pick<SessionsStore, 'callInitiated' | 'callAccepted' | 'callFinished'>;

/** The ringing flow's call log writes, each followed (awaited) by its webhook event with the call as GET /v1/calls/:sessionId shows it. */
export function callWritesWithWebhooks(calls: CallWrites, reader: Pick<CallLogReader, 'get'>, webhooks: Webhooks): CallWrites {
  const record = async (type: WebhookEventType, sessionId: string) => {
    const call = await reader.get(sessionId);
    if (call) await webhooks.record(type, sessionId, callData(call));
  };
  return {
    async callInitiated(call) {
      await calls.callInitiated(call);
      await record('call.initiated', call.sessionId);
    },
    async callAccepted(sessionId, at) {
      await calls.callAccepted(sessionId, at);
      await record('call.accepted', sessionId);
    },
    async callFinished(sessionId, status, reason) {
      await calls.callFinished(sessionId, status, reason);
      if (Object.hasOwn(CALL_FINISHED_EVENT, status)) await record(CALL_FINISHED_EVENT[status as keyof typeof CALL_FINISHED_EVENT], sessionId);
    },
  };
}
