/**
 * The relaying side's watch on the owners of the sessions its sockets are
 * relayed to (issue 17.2 with 17.4): an owner that dies is not heard from, so
 * every renewal period the owners of all watched sessions are read (one MGET),
 * and a session whose lease went, or went to another process, is lost to its
 * sockets here — they are closed so that their clients resume, as the owner's
 * own clients do, into the session rebuilt by the process taking it over.
 */
import type { Logger } from '../util/logger.ts';
import type { SessionLeases } from './session-leases.ts';

interface Watched {
  /** The owner when the watch began; undefined while it is read. */
  owner: string | null | undefined;
  lost: Set<() => void>;
}

export class OwnerWatch {
  readonly #watched = new Map<string, Watched>();
  readonly #timer: NodeJS.Timeout;
  #reading = false;

  constructor(
    private readonly leases: Pick<SessionLeases, 'owner' | 'owners'>,
    everyMs: number,
    private readonly log: Logger,
  ) {
    this.#timer = setInterval(() => void this.#check(), everyMs);
    this.#timer.unref();
  }

  /** `lost` runs once if the session's owner (now) stops owning it; returns a function that stops watching. */
  watch(sessionId: string, lost: () => void): () => void {
    let watched = this.#watched.get(sessionId);
    if (!watched) {
      const entry: Watched = { owner: undefined, lost: new Set() };
      watched = entry;
      this.#watched.set(sessionId, entry);
      this.leases.owner(sessionId).then(
        (owner) => {
          entry.owner = owner;
        },
        (error: unknown) => this.log.warn({ err: error, sessionId }, "a relayed session's owner was not read"),
      );
    }
    watched.lost.add(lost);
    const entry = watched;
    return () => {
      entry.lost.delete(lost);
      if (entry.lost.size === 0 && this.#watched.get(sessionId) === entry) this.#watched.delete(sessionId);
    };
  }

  close(): void {
    clearInterval(this.#timer);
    this.#watched.clear();
  }

  async #check(): Promise<void> {
    if (this.#reading || this.#watched.size === 0) return;
    this.#reading = true;
    const round = [...this.#watched].filter(([, w]) => w.owner !== undefined);
    try {
      const owners = await this.leases.owners(round.map(([sessionId]) => sessionId));
      round.forEach(([sessionId, watched], i) => {
        if (owners[i] === watched.owner && watched.owner !== null) return;
        this.log.warn({ sessionId, was: watched.owner, now: owners[i] }, 'the owner of a relayed session is gone: its sockets here resume');
        if (this.#watched.get(sessionId) === watched) this.#watched.delete(sessionId);
        for (const lost of watched.lost) lost();
      });
    } catch (error) {
      this.log.warn({ err: error }, 'the owners of relayed sessions were not read');
    } finally {
      this.#reading = false;
    }
  }
}
