/**
 * Recordings on this server: where their files live, their rows from start
 * (`recording.started`) to file, the job queue, what a restart finds half
 * done, and deleting. A live session decides when it records; this hears of
 * it through the domain events and says `recording.ready` when a file is made.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import { ParleyError } from '@parley/protocol';
import type { Logger } from 'pino';
import type { RecordingTarget } from '../sessions/call-session.ts';
import type { DomainEvent, DomainEvents } from '../sessions/domain-events.ts';
import { RecordingJobQueue } from './job-queue.ts';
import { lastWrite, listMjr } from './raw-streams.ts';
import { RecordingJob } from './recording-job.ts';
import type { RecordingRow, RecordingsStore } from './recordings-store.ts';

export interface RecordingServiceOptions {
  store: RecordingsStore;
  dataDir: string;
  concurrency: number;
  log: Logger;
  /** Where `recording.ready` goes. */
  events: DomainEvents;
}


export class RecordingService {
  readonly store: RecordingsStore;
  /** DATA_DIR/recordings: finished files. */
  readonly outputDir: string;
  /** DATA_DIR/recordings/raw: Janus's .mjr files, one folder per recording. */
  readonly rawRoot: string;
  readonly queue: RecordingJobQueue;
  readonly #log: Logger;
  readonly #events: DomainEvents;

  constructor(opts: RecordingServiceOptions) {
    this.store = opts.store;
    this.outputDir = join(opts.dataDir, 'recordings');
    this.rawRoot = join(this.outputDir, 'raw');
    this.#log = opts.log;
    this.#events = opts.events;
    this.queue = new RecordingJobQueue(opts.concurrency, opts.log);
    mkdirSync(this.rawRoot, { recursive: true });
  }

  /** A new recording's id and the folder the media server writes its streams into (made here; Janus runs as the same user). */
  newTarget(): RecordingTarget {
    const id = randomUUID();
    const dir = join(this.rawRoot, id);
    mkdirSync(dir, { recursive: true });
    return { id, dir };
  }

  /** A session started recording: its row exists before anyone is told. */
  async started(e: DomainEvent<'recording.started'>): Promise<void> {
    await this.store.create({ id: e.recordingId, sessionId: e.session.sessionId, startedBy: e.by, startedAt: e.startedAt, rawDir: e.rawDir });
  }

  /** A session stopped recording (or ended while it recorded): the job that makes the file is queued. */
  async stopped(e: DomainEvent<'recording.stopped'>): Promise<void> {
    await this.store.stopped(e.recordingId, e.stoppedAt);
    const row = await this.store.get(e.recordingId);
    if (row) this.process(row);
  }

  process(row: RecordingRow): void {
    const ready = (r: RecordingRow) =>
      void this.#events
        .emit('recording.ready', { sessionId: r.sessionId, recordingId: r.id })
        .catch((error: unknown) => this.#log.error({ err: error, recordingId: r.id }, 'a recording.ready hook failed'));
    const failed = (r: RecordingRow, error: string) =>
      void this.#events
        .emit('recording.failed', { sessionId: r.sessionId, recordingId: r.id, error })
        .catch((err: unknown) => this.#log.error({ err, recordingId: r.id }, 'a recording.failed hook failed'));
    this.queue.add(new RecordingJob(row, { store: this.store, outputDir: this.outputDir, log: this.#log, ready, failed }));
  }

  /**
   * After a restart: a recording left `recording` (the server died while it
   * recorded) or `processing` (it died during the job) is processed again when
   * its raw files are there, else marked failed with the reason. The ones in
   * `goingOn` belong to sessions rebuilt after the restart: they keep recording.
   */
  async recover(goingOn: ReadonlySet<string> = new Set()): Promise<{ resumed: string[]; failed: string[] }> {
    const left = (await this.store.withStatus('recording', 'processing')).filter((row) => !(row.status === 'recording' && goingOn.has(row.id)));
    return this.#finishLeft(left);
  }

  /**
   * In a cluster, sessions a process that died left live and that another
   * closed rather than rebuilt (cluster/session-takeover.ts): their
   * recordings still `recording` are finished as cut short, as after a restart.
   */
  async cutShortIn(sessionIds: readonly string[]): Promise<{ resumed: string[]; failed: string[] }> {
    if (sessionIds.length === 0) return { resumed: [], failed: [] };
    const left = (await this.store.withStatus('recording')).filter((row) => sessionIds.includes(row.sessionId));
    return this.#finishLeft(left);
  }

  /**
   * A cluster's start: other processes record and process in the same
   * database, so only what is this start's is finished — the recordings of
   * the sessions it closed (`closedSessionIds`), and the jobs left in this
   * process's own folder (raw files under its DATA_DIR).
   */
  async recoverOwn(closedSessionIds: readonly string[]): Promise<{ resumed: string[]; failed: string[] }> {
    const own = (row: RecordingRow) => (row.status === 'recording' ? closedSessionIds.includes(row.sessionId) : row.rawDir.startsWith(`${this.rawRoot}${sep}`));
    return this.#finishLeft((await this.store.withStatus('recording', 'processing')).filter(own));
  }

  /** Each recording left `recording` or `processing`: processed when its raw files are there, else failed with the reason. */
  async #finishLeft(rows: readonly RecordingRow[]): Promise<{ resumed: string[]; failed: string[] }> {
    const resumed: string[] = [];
    const failed: string[] = [];
    for (const row of rows) {
      const files = listMjr(row.rawDir);
      if (files.length === 0) {
        const why =
          row.status === 'recording'
            ? 'The server stopped while recording and no media had been written'
            : 'The server stopped while processing and the raw files are gone';
        await this.store.failed(row.id, why);
        failed.push(row.id);
        continue;
      }
      if (row.status === 'recording') await this.store.stopped(row.id, lastWrite(files) ?? new Date());
      const fresh = (await this.store.get(row.id)) as RecordingRow;
      this.#log.warn({ recordingId: row.id, was: row.status, attempts: row.attempts }, 'resuming a recording after restart');
      this.process(fresh);
      resumed.push(row.id);
    }
    return { resumed, failed };
  }

  /** Deletes a recording that is not live: its job, its files, its row. */
  async delete(row: RecordingRow): Promise<void> {
    if (row.status === 'recording') throw new ParleyError('INVALID_STATE', 'Stop the recording before deleting it');
    await this.queue.cancel(row.id);
    rmSync(row.rawDir, { recursive: true, force: true });
    if (row.filePath) rmSync(row.filePath, { force: true });
    await this.store.delete(row.id);
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
