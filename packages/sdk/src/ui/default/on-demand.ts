/**
 * A part of the default UI that a call shows only on demand (the idle warning,
 * the request to switch to video, a screen share, picture-in-picture, the
 * audio-route menu): its code is a chunk of its own, loaded by import() the
 * first time it is needed, so a call that never shows it does not
 * download it (docs/benchmarks.md, "Bundle size"). A chunk that fails to load
 * is logged and the call goes on without that part.
 */
export interface Hideable {
  hide(): void;
}

export class OnDemand<T> {
  readonly #make: () => Promise<T>;
  readonly #what: string;
  #loading: Promise<T | undefined> | undefined;
  #part: T | undefined;
  /** Counts show and hide calls, so a show still waiting for its chunk does not undo a later hide. */
  #asks = 0;

  /** `make` loads the chunk and makes the part (once); `what` names it in the error logged if that fails. */
  constructor(make: () => Promise<T>, what: string) {
    this.#make = make;
    this.#what = what;
  }

  /** The part, once its chunk is loaded. */
  get part(): T | undefined {
    return this.#part;
  }

  /** The part, its chunk loaded and the part made the first time; undefined if the chunk failed to load (logged). */
  load(): Promise<T | undefined> {
    this.#loading ??= this.#make().then(
      (part) => (this.#part = part),
      (error) => void console.error(`[parley] the ${this.#what} could not be loaded`, error),
    );
    return this.#loading;
  }

  /** Runs `show` on the part once it is there, unless hide() was called meanwhile. */
  show(show: (part: T) => void): void {
    const ask = ++this.#asks;
    void this.load().then((part) => {
      if (part && ask === this.#asks) show(part);
    });
  }

  hide(this: OnDemand<Hideable>): void {
    this.#asks++;
    this.#part?.hide();
  }
}
