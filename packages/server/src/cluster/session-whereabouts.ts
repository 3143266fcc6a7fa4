/**
 * Where a session is, as this process sees it (issue 17): the one answer a
 * join, a resume and the relay act on.
 *
 * - `here`: open on this process. One being rebuilt here (a start's restore or
 *   a takeover) is waited for first: open but still empty, it would tell a
 *   resume its participant is gone.
 * - `elsewhere`: live, and another process holds it — its owner, or one taking
 *   it over that does not serve it yet. Relayed there, or the client tries
 *   again (CLUSTER_UNAVAILABLE); never told it ended.
 * - `nowhere`: not live anywhere: it ended.
 *
 * A session a process that died left live (its lease lapsed, or lapsing
 * unrenewed) is taken over here on the way (cluster/session-takeover.ts), and
 * is then `here`. One process (no REDIS_URL) owns every session: a session is
 * here or nowhere.
 */
export type Whereabouts = 'here' | 'elsewhere' | 'nowhere';

/**
 * The takeover of sessions a dead process left (cluster/session-takeover.ts), as asked
 * here. Resolves true when the session is live but not here: another process
 * owns it, or it is between owners.
 */
export interface SessionTakeoverHook {
  forSession(sessionId: string): Promise<boolean>;
}

export interface WhereaboutsDeps {
  /** Whether the session is open on this process. */
  openHere(sessionId: string): boolean;
  /** The process holding the session's lease, or null; absent for one process, which owns every session. */
  leaseHolder?: ((sessionId: string) => Promise<string | null>) | undefined;
}

export class SessionWhereabouts {
  readonly #deps: WhereaboutsDeps;
  /** Sessions being rebuilt here, by id. */
  readonly #restoring = new Map<string, Promise<unknown>>();
  #takeover: SessionTakeoverHook | undefined;

  constructor(deps: WhereaboutsDeps) {
    this.#deps = deps;
  }

  /** A cluster's takeover of sessions left by a process that died. */
  takeOverWith(takeover: SessionTakeoverHook): void {
    this.#takeover = takeover;
  }

  /** `rebuilt` is the session's rebuild here: `locate` waits for it until it settles. */
  restoring(sessionId: string, rebuilt: Promise<unknown>): void {
    this.#restoring.set(sessionId, rebuilt);
    const done = () => {
      if (this.#restoring.get(sessionId) === rebuilt) this.#restoring.delete(sessionId);
    };
    rebuilt.then(done, done);
  }

  /** Where the session is now; one a dead process left is taken over here first. */
  async locate(sessionId: string): Promise<Whereabouts> {
    await this.#restoring.get(sessionId)?.catch(() => undefined);
    if (this.#deps.openHere(sessionId)) return 'here';
    if (!this.#takeover) return 'nowhere';
    if (await this.#takeover.forSession(sessionId)) return 'elsewhere';
    return this.#deps.openHere(sessionId) ? 'here' : 'nowhere';
  }

  /**
   * Where a session is that is not here and that no process serves on the bus
   * (a relay found nobody listening): `elsewhere` while a process holds its
   * lease (one that just took it over serves it a moment later), else
   * `nowhere`. A lease that cannot be read counts as held: the client tries again.
   */
  async unserved(sessionId: string): Promise<'elsewhere' | 'nowhere'> {
    const holder = this.#deps.leaseHolder;
    if (!holder) return 'elsewhere';
    try {
      return (await holder(sessionId)) === null ? 'nowhere' : 'elsewhere';
    } catch {
      return 'elsewhere';
    }
  }
}
