/**
 * Who hears which domain event: the one place where the call log, the
 * recordings, the clients' broadcast and the ringing flow subscribe to what
 * live sessions do. Metrics, webhooks or a cluster adapter subscribe here the
 * same way (observers unless the step must wait for them), and CallSession
 * does not change.
 */
import type { Logger } from 'pino';
import type { CallLogWriter } from './calls/call-log-writer.ts';
import { DEFAULTS } from './defaults.ts';
import type { JanusProcess } from './media/janus-process.ts';
import { observeForMetrics } from './metrics/observe.ts';
import type { RecordingsStore } from './recording/recordings-store.ts';
import { recordWebhookEvents } from './webhooks/record-events.ts';
import type { Webhooks } from './webhooks/webhooks.ts';
import type { ParleyMetrics } from './metrics/parley-metrics.ts';
import type { RingingService } from './calls/ringing-service.ts';
import type { MediaBackend } from './media/media-backend.ts';
import type { RecordingService } from './recording/recording-service.ts';
import { noteScreenFeeds } from './recording/screen-feeds.ts';
import type { DomainEvents } from './sessions/domain-events.ts';
import type { QualityService } from './quality/quality-service.ts';
import type { LiveStateWriter } from './sessions/live-state-writer.ts';
import type { Database } from './store/database.ts';
import { tellClients } from './ws/client-broadcast.ts';
import type { SignalingEvents } from './ws/signaling-events.ts';

export interface Subscribers {
  /** Holds back while a join sets up its media (store/database.ts: PGlite shares this process's thread). */
  database: Pick<Database, 'holdFor'>;
  callLog: CallLogWriter;
  /** What a restart needs to carry live sessions on (sessions/restore.ts). */
  liveState: LiveStateWriter;
  recordings: RecordingService;
  /** Absent without signaling. */
  ringing: RingingService | undefined;
  /** Absent without a media plane. */
  media: MediaBackend | undefined;
  /** Prometheus metrics, from the domain events, the signaling socket and the embedded Janus. */
  metrics: { registry: ParleyMetrics; signaling: SignalingEvents; janusNodes: number; janus: JanusProcess | undefined };
  /** Network quality scores: a newcomer hears everyone's, and they are forgotten as people leave. */
  quality: Pick<QualityService, 'joined' | 'left' | 'ended' | 'connectionStats'>;
  /** The webhook outbox, and the recordings' rows its events describe. */
  webhooks: { service: Webhooks; recordings: RecordingsStore };
  log: Logger;
}

export function wireDomainEvents(events: DomainEvents, s: Subscribers): void {
  // First, so the writes the join causes below are held too: the newcomer's subscriber offer goes out before them.
  events.on('participant.joined', () => s.database.holdFor(DEFAULTS.embeddedDatabaseJoinHoldMs));

  // The call log. A join does not wait for its stay to be written (no database on the join
  // path); the writer keeps each session's writes in order, so a leave still follows its join.
  events.on('session.started', (e) => s.callLog.started(e));
  events.on('participant.joined', (e) => s.callLog.joined(e));
  events.hook('participant.left', (e) => s.callLog.left(e));
  events.hook('session.mediaChanged', (e) => s.callLog.mediaChanged(e));
  events.hook('session.ended', (e) => s.callLog.ended(e));

  // The live state a restart rebuilds sessions from: observers too, each session's writes in order.
  s.liveState.observe(events);

  // Recordings: the row exists before anyone hears recording started; a stop queues the file's job.
  events.hook('recording.started', (e) => s.recordings.started(e));
  events.hook('recording.stopped', (e) => s.recordings.stopped(e));
  // Which of a recording's feeds are screen shares, so its file shows them large.
  noteScreenFeeds(events, s.log);

  // Webhooks: hooks, so each event is in the outbox before the step that caused it answers
  // (after the recordings' hooks: a recording's row exists when its event is written).
  recordWebhookEvents(events, s.webhooks.service, s.webhooks.recordings, s.log);

  // What clients are told: joins, leaves, mutes, recording toggles, the active speaker.
  tellClients(events);
  events.on('participant.joined', (e) => s.quality.joined(e));
  events.on('participant.left', (e) => s.quality.left(e));
  events.on('session.ended', (e) => s.quality.ended(e));
  // The media server's view of each connection joins the clients' own in the scores the others hear.
  events.on('participant.connectionStats', (e) => s.quality.connectionStats(e));

  // Metrics: observers only.
  observeForMetrics(s.metrics.registry, { events, ...s.metrics, webhooks: s.webhooks.service.dispatcher });

  // An answered call is over when its session ends.
  const ringing = s.ringing;
  if (ringing) events.on('session.ended', (e) => ringing.sessionEnded(e.session.sessionId));

  // A media node that goes away takes its rooms along; each session on it makes its room again (sessions/media-recovery.ts).
  s.media?.on('nodeLost', (node) => {
    s.log.error({ node }, 'media node lost; its sessions make their rooms again');
    void events.emit('media.nodeLost', { node });
  });
}
