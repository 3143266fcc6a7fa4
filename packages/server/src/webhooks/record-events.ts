/**
 * Which state changes become webhook events, and when they are written: as
 * hooks of the domain events (awaited, so the step that emitted answers only
 * once its event is in the outbox), and around the ringing flow's call log
 * writes. Called from event-wiring.ts and server.ts; nothing else changes.
 */
import type { CallLogReader } from '../calls/call-log-reader.ts';
import type { RecordingsStore } from '../recording/recordings-store.ts';
import { toRecording } from '../recording/recordings-store.ts';
import type { Logger } from 'pino';
import type { DomainEvents, SessionView } from '../sessions/domain-events.ts';
import { QueuePerKey } from '../util/queue-per-key.ts';
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

/**
 * Records the session and recording events. Subscribe after the recordings' own hooks (their row exists by then).
 * A session's events are written one after another on its own queue, so they stay in order although the
 * start and the joins are observed rather than awaited: like the call log's stay they describe, they are
 * written just after the join answers, keeping the database off the join path (issue 10).
 */
export function recordWebhookEvents(events: DomainEvents, webhooks: Webhooks, recordings: RecordingsStore, log: Logger): void {
  const inOrder = new QueuePerKey<SessionView>();
  const write = (session: SessionView, type: WebhookEventType, data: unknown) =>
    inOrder.run(session, () => webhooks.record(type, session.sessionId, data));
  const observed = (session: SessionView, type: WebhookEventType, data: unknown) =>
    write(session, type, data).catch((error: unknown) => log.error({ err: error, sessionId: session.sessionId, type }, 'could not record a webhook event'));
  events.on('session.started', (e) => observed(e.session, 'session.started', sessionStarted(e)));
  events.on('participant.joined', (e) => observed(e.session, 'participant.joined', participantJoined(e)));
  events.hook('participant.left', (e) => write(e.session, 'participant.left', participantLeft(e)));
  events.hook('session.ended', (e) => write(e.session, 'session.ended', sessionEnded(e)));

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
