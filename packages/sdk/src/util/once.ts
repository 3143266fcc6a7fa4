/** Something that happens once, which others wait for, each for a bounded time. */
export class Once {
  #happen!: () => void;
  readonly #happened = new Promise<void>((resolve) => {
    this.#happen = resolve;
  });

  /** It happened; again has no effect. */
  happen(): void {
    this.#happen();
  }

  /** Resolves once it has happened (at once if it has), or after `maxMs`. */
  async wait(maxMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.#happened, new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)))]);
    clearTimeout(timer);
  }
}
