/**
 * A graceful stop (SIGTERM). From its first moment the server is not ready
 * (`/readyz` answers 503) and starts no new session; everyone in a call is
 * told (`server.draining`), and the calls go on until they end or the drain
 * window (PARLEY_DRAIN_SECONDS) passes. Then the server stops.
 */
import type { SessionRegistry } from './session-registry.ts';

export class Drain {
  #started: Promise<void> | undefined;
  #skip: (() => void) | undefined;

  get draining(): boolean {
    return this.#started !== undefined;
  }

  /** Starts draining `registry`; resolves once no session is live, after `seconds`, or on `skip()`. Idempotent. */
  run(registry: SessionRegistry, seconds: number): Promise<void> {
    this.#started ??= new Promise<void>((resolve) => {
      registry.drain();
      registry.broadcast('server.draining', { graceSeconds: seconds });
      let off: (() => void) | undefined;
      const done = () => {
        clearTimeout(deadline);
        off?.();
        resolve();
      };
      const deadline = setTimeout(done, seconds * 1000);
      this.#skip = done;
      off = registry.onEmpty(done);
    });
    return this.#started;
  }

  /** Stops waiting at once (a second signal). */
  skip(): void {
    this.#skip?.();
  }
}
