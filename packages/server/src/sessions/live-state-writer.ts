/**
 * Keeps what a live session needs to be rebuilt after a restart in the store
 * (store/live-sessions-store.ts), from its domain events: the session, each
 * participant (their resume token's hash, mute states, what they publish)
 * and the recording in progress. A restart then carries the calls on
 * (restore.ts) instead of ending them.
 *
 * Observers, not hooks: the database stays off the join path. Each session's
 * writes run in order on a queue of their own (as the call log's do), so a
 * leave is written after the join it undoes. A session's start, a join and a
 * mute are written at once: a process killed right after must be rebuilt with
 * them. At once, not before the answer: a kill within the moment the write
 * takes (milliseconds; more on a loaded machine) loses it, so
 * cluster/session-takeover.int.test.ts kills its processes once it is there.
 * The publications a join brings next wait out a short window and are written
 * after it (util/coalescing-queue.ts: away from the newcomer's first media); a
 * rebuild does not read them (everyone is told to publish again), so a kill
 * inside the window loses nothing it needs. A write that fails is logged; the
 * call goes on (and would not survive a restart at that moment).
 */
import type { Logger } from 'pino';
import { DEFAULTS } from '../defaults.ts';
import type { LiveParticipantRecord, LiveSessionsStore } from '../store/live-sessions-store.ts';
import { CoalescingQueue } from '../util/coalescing-queue.ts';
import type { DomainEvents, SessionView } from './domain-events.ts';
import type { ParticipantView } from './participant.ts';

export function recordOf(p: ParticipantView): LiveParticipantRecord {
  const { info } = p;
  return {
    uid: p.uid,
    name: info.name,
    avatar: info.avatar ?? null,
    joinedAt: new Date(info.joinedAt),
    feedId: p.feedId,
    canRecord: p.canRecord,
    audioMuted: info.isAudioMuted,
    videoMuted: info.isVideoMuted,
    audioOnly: info.isAudioOnly,
    idleTimeoutSeconds: p.idleTimeoutSeconds,
    resumeTokenHash: p.resumeTokenHash,
    publications: [...new Set(p.publications.map((pub) => pub.source))],
  };
}

export class LiveStateWriter {
  readonly #queues: CoalescingQueue<SessionView>;
  readonly #pending = new Set<Promise<void>>();

  constructor(
    private readonly store: LiveSessionsStore,
    private readonly log: Logger,
    joinWritesWindowMs = DEFAULTS.joinWritesWindowMs,
  ) {
    this.#queues = new CoalescingQueue(joinWritesWindowMs);
  }

  /** Subscribes to everything a rebuild needs. */
  observe(events: DomainEvents): void {
    events.on('session.started', ({ session }) => this.#write(session, () => this.store.sessionLive(session.sessionId, session.kind, session.media)));
    events.on('session.mediaChanged', ({ session, media }) => this.#write(session, () => this.store.mediaChanged(session.sessionId, media)));
    events.on('session.ended', ({ session }) => this.#write(session, () => this.store.sessionGone(session.sessionId)));
    events.on('participant.joined', ({ session, participant }) => this.#write(session, () => this.store.participantIn(session.sessionId, recordOf(participant))));
    events.on('participant.left', ({ session, participant }) => this.#write(session, () => this.store.participantGone(session.sessionId, participant.uid)));
    type Write = (session: SessionView, step: () => Promise<void>) => void;
    const changed = (write: Write) => ({ session, participant }: { session: SessionView; participant: ParticipantView }) =>
      write(session, () => this.store.participantChanged(session.sessionId, participant.uid, recordOf(participant)));
    events.on('participant.muted', changed((session, step) => this.#write(session, step)));
    events.on('publication.added', changed((session, step) => this.#later(session, step)));
    events.on('publication.removed', changed((session, step) => this.#later(session, step)));
    events.on('recording.started', ({ session, recordingId, rawDir }) =>
      this.#write(session, () => this.store.recordingChanged(session.sessionId, { id: recordingId, dir: rawDir })),
    );
    events.on('recording.stopped', ({ session }) => this.#write(session, () => this.store.recordingChanged(session.sessionId, null)));
  }

  /** Resolves once every write asked for so far is done: the server stops only after (or a session it ended would come back). */
  async settled(): Promise<void> {
    this.#queues.flushAll();
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Written with the rest of the session's deferred writes, once its window closes. */
  #later(session: SessionView, step: () => Promise<void>): void {
    this.#track(session, this.#queues.later(session, step));
  }

  #write(session: SessionView, step: () => Promise<void>): void {
    this.#track(session, this.#queues.now(session, step));
  }

  #track(session: SessionView, written: Promise<void>): void {
    const write = written
      .catch((error: unknown) => this.log.error({ err: error, sessionId: session.sessionId }, 'could not persist the live state'))
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
  }
}
