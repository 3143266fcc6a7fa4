/**
 * Recording jobs wait here and run a few at a time (encoding fills cores).
 * `close()` cancels what runs; those rows stay `processing` and the next
 * start picks them up again.
 */
import type { Logger } from 'pino';
import type { RecordingJob } from './recording-job.ts';

export class RecordingJobQueue {
  readonly #waiting: RecordingJob[] = [];
  readonly #running = new Map<string, Promise<void>>();
  readonly #jobs = new Map<string, RecordingJob>();
  #closed = false;

  constructor(
    private readonly concurrency: number,
    private readonly log: Logger,
  ) {}

  /** Queues a job unless one for the same recording is waiting or running. */
  add(job: RecordingJob): void {
    if (this.#closed || this.#jobs.has(job.id)) return;
    this.#jobs.set(job.id, job);
    this.#waiting.push(job);
    this.#next();
  }

  has(id: string): boolean {
    return this.#jobs.has(id);
  }

  /** Cancels a waiting or running job (the recording is being deleted). */
  async cancel(id: string): Promise<void> {
    const job = this.#jobs.get(id);
    if (!job) return;
    const i = this.#waiting.indexOf(job);
    if (i >= 0) {
      this.#waiting.splice(i, 1);
      this.#jobs.delete(id);
      return;
    }
    job.cancel('cancelled');
    await this.#running.get(id)?.catch(() => undefined);
  }

  /** Resolves when nothing is waiting or running. */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#waiting.length > 0) await Promise.allSettled([...this.#running.values()]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#waiting.length = 0;
    for (const job of this.#jobs.values()) job.cancel('server shutdown');
    await Promise.allSettled([...this.#running.values()]);
    this.#jobs.clear();
  }

  #next(): void {
    while (!this.#closed && this.#running.size < this.concurrency && this.#waiting.length > 0) {
      const job = this.#waiting.shift() as RecordingJob;
      const running = job
        .run()
        .catch((error: unknown) => this.log.info({ recordingId: job.id, reason: String(error) }, 'recording job stopped'))
        .finally(() => {
          this.#running.delete(job.id);
          this.#jobs.delete(job.id);
          this.#next();
        });
      this.#running.set(job.id, running);
    }
  }
}
