import type { JanusHandle } from './janus-handle.ts';
import type { Logger } from '../util/logger.ts';

/** What the pool needs of the Janus session its handles live in (JanusSession has it). */
export interface HandleSource {
  /** False once the session is gone (Janus restarted or died, the session timed out, destroyed). */
  readonly isAlive: boolean;
  attach(plugin: string): Promise<JanusHandle>;
}

/**
 * Handles of one plugin attached ahead of need, so that a participant's
 * connection starts with its `join` instead of waiting one Janus round trip
 * for `attach` first (the subscriber offer of a join comes that much sooner).
 * A handle is taken once and the pool refills in the background, after the
 * taker has sent its first request. A handle that went away while waiting
 * (Janus died or restarted: its session marks every handle detached) leaves
 * the pool at once and is never handed out; a pool whose session is gone
 * attaches nothing more, and `take()` then attaches (and fails) as without it.
 */
export class JanusHandlePool {
  readonly #ready: JanusHandle[] = [];
  #attaching = 0;
  #closed = false;

  constructor(
    private readonly source: HandleSource,
    private readonly plugin: string,
    private readonly size: number,
    private readonly log: Logger,
  ) {
    this.#fill();
  }

  /** The handles waiting to be taken (for tests and logs). */
  get ready(): readonly JanusHandle[] {
    return this.#ready;
  }

  /** A handle attached ahead when one is ready, else one attached now. */
  take(): Promise<JanusHandle> {
    const handle = this.#ready.shift();
    // After this turn of the event loop: the taker's first request goes to Janus before the refill's attach.
    setImmediate(() => this.#fill());
    return handle ? Promise.resolve(handle) : this.source.attach(this.plugin);
  }

  /** Detaches the handles nobody took; attaches nothing more. Idempotent, never rejects. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#ready.splice(0).map((h) => h.detach()));
  }

  #fill(): void {
    while (!this.#closed && this.source.isAlive && this.#ready.length + this.#attaching < this.size) {
      this.#attaching++;
      this.source
        .attach(this.plugin)
        .then((handle) => this.#keep(handle))
        .catch((err: unknown) => this.log.debug({ err }, 'could not attach a handle ahead'))
        .finally(() => this.#attaching--);
    }
  }

  #keep(handle: JanusHandle): void {
    if (this.#closed || !this.source.isAlive || handle.isDetached) {
      void handle.detach();
      return;
    }
    this.#ready.push(handle);
    handle.on('detached', () => {
      const i = this.#ready.indexOf(handle);
      if (i >= 0) this.#ready.splice(i, 1);
    });
  }
}
