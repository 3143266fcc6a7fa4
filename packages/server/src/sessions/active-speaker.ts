/**
 * Who the session's active speaker is, from the media plane's talking reports.
 *
 * - The active speaker is someone talking now; when several talk, the latest
 *   to start (someone interrupting takes the floor, like a conversation).
 * - When the active speaker stops and others still talk, the latest of them
 *   to have started takes over at once.
 * - When nobody talks any more, the last speaker stays for `quietMs` and only
 *   then does it become null: pauses between sentences do not flicker the
 *   speaker away (Janus already smooths each report over its window).
 * - Someone who leaves stops being the speaker at once, even without a
 *   report, since nobody should be shown speaking after they left.
 */
export class ActiveSpeaker {
  /** Who talks now, in the order they started (the last one started latest). */
  readonly #talking = new Set<string>();
  #current: string | null = null;
  #quiet: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly quietMs: number,
    /** Called once per change, with the new speaker or null. */
    private readonly onChange: (uid: string | null) => void,
  ) {}

  get current(): string | null {
    return this.#current;
  }

  /** The media plane says `uid` started (true) or stopped (false) talking. */
  talking(uid: string, talking: boolean): void {
    if (this.#closed) return;
    this.#talking.delete(uid);
    if (talking) {
      this.#talking.add(uid);
      this.#set(uid);
      return;
    }
    if (this.#current !== uid) return;
    const next = this.#latest();
    if (next !== null) this.#set(next);
    else this.#quietSoon();
  }

  /** `uid` left the session. */
  left(uid: string): void {
    if (this.#closed) return;
    this.#talking.delete(uid);
    if (this.#current === uid) this.#set(this.#latest());
  }

  /** The session ends: no more changes, and no timer outlives it. Idempotent. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#quiet);
    this.#quiet = undefined;
    this.#talking.clear();
  }

  #latest(): string | null {
    return [...this.#talking].at(-1) ?? null;
  }

  #quietSoon(): void {
    if (this.#quiet) return;
    this.#quiet = setTimeout(() => {
      this.#quiet = undefined;
      this.#set(this.#latest());
    }, this.quietMs);
    this.#quiet.unref();
  }

  #set(uid: string | null): void {
    clearTimeout(this.#quiet);
    this.#quiet = undefined;
    if (uid === this.#current) return;
    this.#current = uid;
    this.onChange(uid);
  }
}
