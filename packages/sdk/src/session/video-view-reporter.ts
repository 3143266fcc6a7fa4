/**
 * Tells the server how each remote video is shown (its rendered size in
 * device pixels; 0 × 0 when not shown), so it sends each feed at the layer
 * that fits, or not at all. Sizes settle for a moment before they go (a
 * resize fires many times), and only changes go; one report carries all of them.
 */
import { MAX_VIEW_PIXELS, type VideoView } from '@parley/protocol';
import type { Logger } from '../util/logger.ts';

export interface VideoViewReporterOptions {
  /** Sends one report (the `subscriber.views` request). */
  send(views: VideoView[]): Promise<unknown>;
  /** Whether reports can go now (joined); while not, they wait. */
  active(): boolean;
  debounceMs: number;
  log: Logger;
}

const keyOf = (v: Pick<VideoView, 'uid' | 'source'>): string => `${v.source}:${v.uid}`;

export class VideoViewReporter {
  /** What the server was told last, by source and uid. */
  readonly #sent = new Map<string, VideoView>();
  readonly #pending = new Map<string, VideoView>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  readonly #opts: VideoViewReporterOptions;

  constructor(opts: VideoViewReporterOptions) {
    this.#opts = opts;
  }

  /** `uid`'s `source` video is shown at this size now, in CSS pixels (0 × 0: not shown); it goes in device pixels. */
  report(uid: string, source: VideoView['source'], size: { width: number; height: number }): void {
    if (this.#stopped) return;
    const scale = globalThis.devicePixelRatio || 1;
    const px = (n: number): number => Math.min(MAX_VIEW_PIXELS, Math.max(0, Math.round(n * scale)));
    const view: VideoView = { uid, source, width: px(size.width), height: px(size.height) };
    const key = keyOf(view);
    const sent = this.#sent.get(key);
    if (sent && sent.width === view.width && sent.height === view.height) this.#pending.delete(key);
    else this.#pending.set(key, view);
    this.#schedule(this.#opts.debounceMs);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = this.#pending.size > 0 && !this.#stopped ? setTimeout(() => void this.#flush(), ms) : undefined;
  }

  async #flush(): Promise<void> {
    this.#timer = undefined;
    // Not in the call (joining, resuming): try again in a while; the latest sizes go then.
    if (!this.#opts.active()) return this.#schedule(1_000);
    const views = [...this.#pending.values()];
    this.#pending.clear();
    for (const v of views) this.#sent.set(keyOf(v), v);
    try {
      await this.#opts.send(views);
    } catch (error) {
      this.#opts.log.debug('video views not reported, trying again', error);
      for (const v of views) {
        const key = keyOf(v);
        if (this.#sent.get(key) === v) this.#sent.delete(key);
        if (!this.#pending.has(key)) this.#pending.set(key, v);
      }
      this.#schedule(1_000);
    }
  }
}
