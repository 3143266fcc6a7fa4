/**
 * Keeps call-quality samples `PARLEY_QUALITY_RETENTION_DAYS` (default 7):
 * purges older ones at start and then every `purgeIntervalMs`, off any
 * request's path. A failed purge is logged and tried again next time.
 */
import type { Logger } from 'pino';
import type { QualityStore } from './quality-store.ts';

const DAY_MS = 86_400_000;

export class QualityRetention {
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly store: Pick<QualityStore, 'purgeBefore'>,
    private readonly retentionDays: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(purgeIntervalMs: number): void {
    if (this.#timer) return;
    void this.purge();
    this.#timer = setInterval(() => void this.purge(), purgeIntervalMs);
    this.#timer.unref?.();
  }

  /** Deletes what is older than the retention; resolves with how many samples went (0 after a failure). */
  async purge(): Promise<number> {
    let deleted = 0;
    const run = (async () => {
      try {
        deleted = await this.store.purgeBefore(new Date(this.now() - this.retentionDays * DAY_MS));
        if (deleted > 0) this.log.info({ deleted, retentionDays: this.retentionDays }, 'old call-quality samples purged');
      } catch (error) {
        this.log.warn({ err: error }, 'purging old call-quality samples failed');
      }
    })();
    this.#running = run;
    await run;
    return deleted;
  }

  /** Stops the timer and waits for a purge under way (the database closes next). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
