/**
 * Who is in a session: its participants by uid, oldest first, and the feed ids
 * their publishers get in its media room. The session adds and removes them on
 * its queue; the rest finds them here — from a client's view of one, from a
 * track someone receives — and reaches them all through `broadcast`. A view
 * stands for its participant only while that one is still in under its uid: a
 * client whose place was taken (the same uid joined again, 'replaced') is
 * NOT_JOINED.
 */
import { type Participant, ParleyError, type ServerEventName, type ServerEvents } from '@parley/protocol';
import type { ReceivedTrack } from '../media/media-backend.ts';
import type { ParticipantView, SessionParticipant } from './participant.ts';
import type { Publication } from './publications.ts';

export class SessionRoster {
  readonly #byUid = new Map<string, SessionParticipant>();
  /** Only grows, so no two publishers of the session share a feed id, not even one who left and one who came later. */
  #nextFeedId = 1;

  get size(): number {
    return this.#byUid.size;
  }

  /** Everyone by uid, read only. */
  get byUid(): ReadonlyMap<string, ParticipantView> {
    return this.#byUid;
  }

  values(): IterableIterator<SessionParticipant> {
    return this.#byUid.values();
  }

  get(uid: string): SessionParticipant | undefined {
    return this.#byUid.get(uid);
  }

  /** The feed id of a new publisher connection (a join's, a screen share's). */
  nextFeedId(): number {
    return this.#nextFeedId++;
  }

  /** `participant` is in; a feed id it kept from before a restart is not handed out again. */
  add(participant: SessionParticipant): void {
    this.#byUid.set(participant.uid, participant);
    this.#nextFeedId = Math.max(this.#nextFeedId, participant.feedId + 1);
  }

  delete(participant: SessionParticipant): void {
    this.#byUid.delete(participant.uid);
  }

  /** The participant `view` stands for, while it is still the one in under its uid. */
  current(view: ParticipantView): SessionParticipant | undefined {
    const participant = this.#byUid.get(view.uid);
    return participant === view ? participant : undefined;
  }

  /** The participant `view` stands for; NOT_JOINED once they left or their place was taken. */
  member(view: ParticipantView): SessionParticipant {
    const participant = this.current(view);
    if (!participant || participant.state === 'left') throw new ParleyError('NOT_JOINED');
    return participant;
  }

  /** Everyone currently in the session, oldest first. */
  list(): Participant[] {
    return [...this.#byUid.values()].filter((p) => p.state !== 'left').map((p) => p.info);
  }

  broadcast<E extends ServerEventName>(event: E, data: ServerEvents[E], except?: string): void {
    for (const p of this.#byUid.values()) if (p.uid !== except) p.send(event, data);
  }

  sendTo<E extends ServerEventName>(uid: string, event: E, data: ServerEvents[E]): void {
    this.#byUid.get(uid)?.send(event, data);
  }

  /** Who publishes a received track, and as which publication. */
  describe(track: ReceivedTrack): { uid: string; source: Publication['source'] } | undefined {
    if (track.kind === 'data') return undefined;
    for (const p of this.#byUid.values()) {
      const publication = p.publicationOf(track.feedId, track.feedMid, track.kind);
      if (publication) return { uid: p.uid, source: publication.source };
    }
    return undefined;
  }
}
