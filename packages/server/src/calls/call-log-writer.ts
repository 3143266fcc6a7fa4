/**
 * Writes live sessions into the call log from their domain events: a
 * session's start, media and end, and each participant's stay.
 *
 * Writes of one session run in order on a queue of its own, so a leave is
 * written after the join it closes although nobody awaits the join's write:
 * the start and the joins are observed, not hooked (event-wiring.ts), which
 * keeps the database off the join path. A write that fails is logged; the
 * call goes on.
 */
import type { Logger } from 'pino';
import type { DomainEvent, SessionView } from '../sessions/domain-events.ts';
import type { ParticipantView } from '../sessions/participant.ts';
import type { SessionsStore } from '../store/sessions-store.ts';
import { QueuePerKey } from '../util/queue-per-key.ts';

export class CallLogWriter {
  readonly #queues = new QueuePerKey<SessionView>();
  /** Each stay's row, once written (or being written). */
  readonly #stays = new WeakMap<ParticipantView, Promise<number>>();

  constructor(
    private readonly sessions: SessionsStore,
    private readonly log: Logger,
  ) {}

  started({ session }: DomainEvent<'session.started'>): Promise<void> {
    return this.#bestEffort(session, 'could not record the start of a session', () => this.sessions.sessionStarted(session.sessionId, session.kind, session.media));
  }

  joined({ session, participant, joinedAt }: DomainEvent<'participant.joined'>): Promise<void> {
    const id = this.#write(session, () => this.sessions.participantJoined(session.sessionId, participant.uid, participant.info.name, joinedAt));
    this.#stays.set(participant, id);
    return id.then(
      () => undefined,
      (error: unknown) => this.log.error({ err: error, sessionId: session.sessionId, uid: participant.uid }, 'could not record a join'),
    );
  }

  left({ session, participant, reason, leftAt }: DomainEvent<'participant.left'>): Promise<void> {
    const id = this.#stays.get(participant);
    this.#stays.delete(participant);
    // No stay written here: the participant was rebuilt after a restart, and their stay is the one still open.
    if (!id) return this.#bestEffort(session, 'could not record a leave', () => this.sessions.openStayLeft(session.sessionId, participant.uid, leftAt, reason));
    return this.#bestEffort(session, 'could not record a leave', async () => this.sessions.participantLeft(await id, leftAt, reason));
  }

  mediaChanged({ session, media }: DomainEvent<'session.mediaChanged'>): Promise<void> {
    return this.#bestEffort(session, 'could not record the switch to video', () => this.sessions.mediaChanged(session.sessionId, media));
  }

  ended({ session, reason }: DomainEvent<'session.ended'>): Promise<void> {
    return this.#bestEffort(session, 'could not record the end of a session', () => this.sessions.sessionEnded(session.sessionId, reason));
  }

  #write<T>(session: SessionView, step: () => Promise<T>): Promise<T> {
    return this.#queues.run(session, step);
  }

  /** A write the session goes on without: a failure is logged, not thrown. */
  #bestEffort(session: SessionView, what: string, step: () => Promise<void>): Promise<void> {
    return this.#write(session, step).catch((error: unknown) => this.log.error({ err: error, sessionId: session.sessionId }, what));
  }
}
