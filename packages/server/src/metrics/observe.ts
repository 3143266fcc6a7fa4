/**
 * Metrics from what happens: the domain events, the signaling socket's
 * observer events and the embedded Janus's supervisor. Called once, from
 * event-wiring.ts; nothing here is on a request's path.
 */
import type { JanusProcess } from '../media/janus-process.ts';
import type { DomainEvents } from '../sessions/domain-events.ts';
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher.ts';
import type { SignalingEvents } from '../ws/signaling-events.ts';
import type { ParleyMetrics } from './parley-metrics.ts';

export interface MetricSources {
  events: DomainEvents;
  /** Silent without signaling. */
  signaling: SignalingEvents;
  /** Janus nodes at start (0 without a media plane). */
  janusNodes: number;
  /** The embedded Janus, when this server runs one. */
  janus: JanusProcess | undefined;
  webhooks: WebhookDispatcher;
}

export function observeForMetrics(m: ParleyMetrics, s: MetricSources): void {
  const { events } = s;
  events.on('session.started', () => m.sessionsStarted.inc());
  events.on('session.ended', ({ reason }) => m.sessionsEnded.inc({ reason }));
  events.on('participant.joined', () => m.joins.inc());
  events.on('participant.left', ({ reason }) => m.leaves.inc({ reason }));

  observeRecordings(m, events);
  s.webhooks.on('attempted', ({ outcome }) => m.webhookDeliveries.inc({ outcome }));

  // Janus: nodes up (a lost node counts down; the embedded one counts up again once restarted).
  let up = s.janusNodes;
  m.janusNodesUp.set(up);
  events.on('media.nodeLost', () => {
    m.janusNodesLost.inc();
    up = Math.max(0, up - 1);
    m.janusNodesUp.set(up);
  });
  s.janus?.on('restarted', () => {
    m.janusRestarts.inc();
    up = Math.min(s.janusNodes, up + 1);
    m.janusNodesUp.set(up);
  });

  const { signaling } = s;
  signaling.on('connection.opened', () => {
    m.wsConnections.inc();
    m.wsConnectionsOpened.inc();
  });
  signaling.on('connection.closed', () => m.wsConnections.dec());
  signaling.on('request.answered', ({ type, code }) => {
    const label = type ?? 'unknown';
    m.signalingRequests.inc({ type: label });
    if (code !== null) m.signalingErrors.inc({ type: label, code });
  });
  signaling.on('join.timing', ({ seconds }) => m.joinToFirstFrame.observe(seconds));
}

/** Recordings of this process by state, and how long each took from stop to file. */
function observeRecordings(m: ParleyMetrics, events: DomainEvents): void {
  const stoppedAt = new Map<string, number>();
  events.on('recording.stopped', ({ recordingId }) => {
    m.recordingsByState.inc({ state: 'processing' });
    stoppedAt.set(recordingId, Date.now());
  });
  const finished = (recordingId: string, outcome: 'ready' | 'failed') => {
    m.recordingsFinished.inc({ outcome });
    const since = stoppedAt.get(recordingId);
    // A job resumed after a restart was not stopped in this process: counted, not timed.
    if (since === undefined) return;
    stoppedAt.delete(recordingId);
    m.recordingsByState.dec({ state: 'processing' });
    m.recordingProcessing.observe((Date.now() - since) / 1000);
  };
  events.on('recording.ready', ({ recordingId }) => finished(recordingId, 'ready'));
  events.on('recording.failed', ({ recordingId }) => finished(recordingId, 'failed'));
}
