/**
 * Recordings on this server: where their files live, the job queue, what a
 * restart finds half done, and deleting. Owned by server.ts; the controller
 * (live sessions) and the REST routes use it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ParleyError } from '@parley/protocol';
import type { Logger } from 'pino';
import { RecordingJobQueue } from './job-queue.ts';
import { lastWrite, listMjr } from './raw-streams.ts';
import { RecordingJob } from './recording-job.ts';
import type { RecordingRow, RecordingsStore } from './recordings-store.ts';

export interface RecordingServiceOptions {
  store: RecordingsStore;
  dataDir: string;
  concurrency: number;
  log: Logger;
}

export class RecordingService {
  readonly store: RecordingsStore;
  /** DATA_DIR/recordings: finished files. */
  readonly outputDir: string;
  /** DATA_DIR/recordings/raw: Janus's .mjr files, one folder per recording. */
  readonly rawRoot: string;
  readonly queue: RecordingJobQueue;
  readonly #log: Logger;

  constructor(opts: RecordingServiceOptions) {
    this.store = opts.store;
    this.outputDir = join(opts.dataDir, 'recordings');
    this.rawRoot = join(this.outputDir, 'raw');
    this.#log = opts.log;
    this.queue = new RecordingJobQueue(opts.concurrency, opts.log);
    mkdirSync(this.rawRoot, { recursive: true });
  }

  /** The folder Janus writes one recording's streams into (made here; Janus runs as the same user). */
  rawDirFor(recordingId: string): string {
    const dir = join(this.rawRoot, recordingId);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  process(row: RecordingRow): void {
    this.queue.add(new RecordingJob(row, { store: this.store, outputDir: this.outputDir, log: this.#log }));
  }

  /**
   * After a restart: a recording left `recording` (the server died while it
   * recorded) or `processing` (it died during the job) is processed again when
   * its raw files are there, else marked failed with the reason.
   */
  async recover(): Promise<{ resumed: string[]; failed: string[] }> {
    const resumed: string[] = [];
    const failed: string[] = [];
    for (const row of await this.store.withStatus('recording', 'processing')) {
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
