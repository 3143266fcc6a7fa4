/**
 * Every metric Parley exports, in one prom-client registry, named by
 * Prometheus conventions: `parley_` prefix, `_total` counters, base units
 * (`_seconds`), and labels with a small fixed set of values (a reason, a
 * request type, an error code, a state) — never a user id or a session id.
 * observe.ts changes them from events, except the live gauges, which are read
 * from the session registry at each scrape; docs/operations.md lists them.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { LiveCounts } from '../sessions/session-registry.ts';

export class ParleyMetrics {
  readonly registry = new Registry();

  /** Read at each scrape; a server without signaling has nothing live. */
  #live: () => LiveCounts = () => ({ sessions: 0, participants: 0, recordings: 0 });

  readonly sessionsLive = this.#liveGauge('parley_sessions_live', 'Live call sessions on this server', (c) => c.sessions);
  readonly sessionsStarted = this.#counter('parley_sessions_started_total', 'Call sessions started');
  readonly sessionsEnded = this.#counter('parley_sessions_ended_total', 'Call sessions ended, by reason', ['reason']);
  readonly participantsLive = this.#liveGauge(
    'parley_participants_live',
    'Participants in live sessions (a disconnected one within its grace period counts)',
    (c) => c.participants,
  );
  readonly joins = this.#counter('parley_participant_joins_total', 'Participants who joined a session');
  readonly leaves = this.#counter('parley_participant_leaves_total', 'Participants who left a session, by reason', ['reason']);
  readonly joinToFirstFrame = new Histogram({
    name: 'parley_join_first_remote_frame_seconds',
    help: 'From sending join to the first remote video frame decoded (audio packet, in an audio call), as each SDK measures and reports it',
    buckets: [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13, 20],
    registers: [this.registry],
  });

  readonly wsConnections = this.#gauge('parley_ws_connections', 'Open signaling WebSocket connections');
  readonly wsConnectionsOpened = this.#counter('parley_ws_connections_opened_total', 'Signaling WebSocket connections opened');
  readonly signalingRequests = this.#counter('parley_signaling_requests_total', 'Signaling requests answered, by request type ("unknown" for a frame naming none)', ['type']);
  readonly signalingErrors = this.#counter('parley_signaling_errors_total', 'Signaling requests answered with an error, by request type and error code', ['type', 'code']);

  readonly janusNodesUp = this.#gauge('parley_janus_nodes_up', 'Janus nodes this server can place rooms on');
  readonly janusRestarts = this.#counter('parley_janus_restarts_total', 'Times the embedded Janus was restarted after dying');
  readonly janusNodesLost = this.#counter('parley_janus_nodes_lost_total', 'Times a Janus node went away (its sessions ended)');

  readonly recordingsByState = this.#recordingsGauge();
  readonly recordingsFinished = this.#counter('parley_recordings_finished_total', 'Recording jobs finished, by outcome (ready, failed)', ['outcome']);
  readonly recordingProcessing = new Histogram({
    name: 'parley_recording_processing_seconds',
    help: 'From a recording stopping to its file being ready or failed (queue wait included)',
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });

  /** Set by countTurnAllocations when coturn is embedded: read at each scrape. */
  #turnAllocations: Gauge | undefined;

  readonly webhookDeliveries = this.#counter('parley_webhook_deliveries_total', 'Webhook delivery attempts, by outcome (delivered, retry, failed)', ['outcome']);

  constructor() {
    // process_cpu_seconds_total, process_resident_memory_bytes, nodejs_eventloop_lag_seconds, …
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Exports `parley_turn_allocations`, read from `read` at each scrape (the
   * embedded coturn's CLI). Only a server that embeds coturn has it; a failed
   * read (coturn restarting) reports NaN, Prometheus's "unknown", rather than a
   * stale number or a made-up 0.
   */
  countTurnAllocations(read: () => Promise<number>, onError: (error: unknown) => void): void {
    if (this.#turnAllocations) throw new Error('countTurnAllocations: called twice');
    this.#turnAllocations = new Gauge({
      name: 'parley_turn_allocations',
      help: 'TURN allocations (relays) the embedded coturn holds now',
      registers: [this.registry],
      async collect() {
        try {
          this.set(await read());
        } catch (error) {
          this.set(Number.NaN);
          onError(error);
        }
      },
    });
  }

  /**
   * Where the live gauges read from (the session registry). Counted at each
   * scrape instead of up and down by events, so sessions a restarted server
   * rebuilt — which never emitted a start or a join here — are counted too,
   * and their ends cannot take a gauge below zero.
   */
  readLiveFrom(live: () => LiveCounts): void {
    this.#live = live;
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  #counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  #liveGauge(name: string, help: string, pick: (counts: LiveCounts) => number): Gauge {
    const read = () => pick(this.#live());
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** `recording` is live (read at scrape); `processing` follows the stop and the job's end (observe.ts). */
  #recordingsGauge(): Gauge<'state'> {
    const read = () => this.#live().recordings;
    return new Gauge({
      name: 'parley_recordings',
      help: 'Recordings of this process by state: recording, processing',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.set({ state: 'recording' }, read());
      },
    });
  }

  #gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}
