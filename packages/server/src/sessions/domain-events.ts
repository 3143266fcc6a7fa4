/**
 * What happens in live sessions, as one typed event stream: the call log, the
 * recordings, what clients are told — and later metrics, webhooks and a
 * cluster adapter — listen here instead of being called from the session.
 * Everything subscribes in one place (event-wiring.ts).
 *
 * Two kinds of listener:
 * - observers (`on`) hear an event after it happened, in the order they
 *   subscribed, synchronously; a throwing one is logged and the rest still run;
 * - hooks (`hook`) are awaited before the observers, and a failing hook fails
 *   the step that emitted (a join whose stay could not be written is refused,
 *   and nobody was told of it). Keep hooks few: each one is on the path of the
 *   request that caused the event.
 */
import {
  type CallKind,
  type LeaveReason,
  type ListenerErrorReporter,
  type Participant,
  type RecordingActor,
  type ServerEventName,
  type ServerEvents,
  type SessionEndReason,
  TypedEmitter,
} from '@parley/protocol';
import type { ConnectionStats } from '../media/media-backend.ts';
import type { ParticipantView } from './participant.ts';
import type { Publication } from './publications.ts';
import type { SessionMedia } from './video-switch.ts';

/** A live session as listeners may see it (CallSession implements it). */
export interface SessionView {
  readonly sessionId: string;
  readonly kind: CallKind;
  readonly media: SessionMedia;
  /** Everyone in the session now, oldest first. */
  list(): Participant[];
  /** Sends a protocol event to everyone in the session (but `except`). */
  broadcast<E extends ServerEventName>(event: E, data: ServerEvents[E], except?: string): void;
  /** Sends a protocol event to one participant, if they are in the session. */
  sendTo<E extends ServerEventName>(uid: string, event: E, data: ServerEvents[E]): void;
}

interface InSession {
  session: SessionView;
}

interface OfParticipant extends InSession {
  participant: ParticipantView;
}

/** The one event map of the domain: event name → its one payload. */
export interface DomainEventMap {
  /** The first participant is in; the session's media room exists. */
  'session.started': [e: InSession];
  /** The session is over: everyone was removed and its room destroyed. */
  'session.ended': [e: InSession & { reason: SessionEndReason }];
  /** An audio session became a video session (a switch was accepted). */
  'session.mediaChanged': [e: InSession & { media: SessionMedia }];
  'participant.joined': [e: OfParticipant & { joinedAt: Date }];
  'participant.left': [e: OfParticipant & { reason: LeaveReason; leftAt: Date }];
  /** Their mute state changed (`participant.info` has the new one); `by` is who changed it. */
  'participant.muted': [e: OfParticipant & { by: string }];
  /**
   * The media server's periodic view of their camera publisher or their subscriber connection
   * (without the m-lines of senders in trouble on their own uplink: sender-health.ts).
   */
  'participant.connectionStats': [e: OfParticipant & { connection: 'publisher' | 'subscriber'; stats: ConnectionStats }];
  /** Others can receive it now. */
  'publication.added': [e: OfParticipant & { publication: Publication }];
  'publication.removed': [e: OfParticipant & { publication: Publication }];
  /** Media of the session is being written to `rawDir`. */
  'recording.started': [e: InSession & { recordingId: string; by: RecordingActor; startedAt: Date; rawDir: string }];
  /** `by` is null when the session ended while recording. */
  'recording.stopped': [e: InSession & { recordingId: string; by: RecordingActor | null; stoppedAt: Date }];
  /** The recording's file is made and verified (the live session may be long gone). */
  'recording.ready': [e: { sessionId: string; recordingId: string }];
  /** The recording's job failed for good (`error` says why); its raw files are kept. */
  'recording.failed': [e: { sessionId: string; recordingId: string; error: string }];
  /** A media node went away; the sessions on it end with `media-failure`. */
  'media.nodeLost': [e: { node: string }];
  /** Who speaks now, or null for nobody. */
  'activeSpeaker.changed': [e: InSession & { uid: string | null }];
}

export type DomainEventName = keyof DomainEventMap;
/** The payload of one event, for listeners written apart from their subscription. */
export type DomainEvent<K extends DomainEventName> = DomainEventMap[K][0];
type Hook<K extends DomainEventName> = (...args: DomainEventMap[K]) => Promise<void>;

export class DomainEvents {
  readonly #observers: TypedEmitter<DomainEventMap>;
  readonly #hooks = new Map<DomainEventName, Array<Hook<DomainEventName>>>();

  constructor(report: ListenerErrorReporter) {
    this.#observers = new TypedEmitter<DomainEventMap>(report);
  }

  /** Hears `event` after it happened. Returns the way to stop. */
  on<K extends DomainEventName>(event: K, listener: (...args: DomainEventMap[K]) => unknown): () => void {
    return this.#observers.on(event, listener);
  }

  /** `hook` runs, awaited, before the observers; if it fails, so does the step that emitted. Returns the way to stop. */
  hook<K extends DomainEventName>(event: K, hook: Hook<K>): () => void {
    const list = this.#hooks.get(event) ?? [];
    list.push(hook as Hook<DomainEventName>);
    this.#hooks.set(event, list);
    return () => {
      const i = list.indexOf(hook as Hook<DomainEventName>);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Runs the hooks one after another, then tells the observers. Rejects with the first hook's failure (observers then hear nothing). */
  async emit<K extends DomainEventName>(event: K, ...args: DomainEventMap[K]): Promise<void> {
    for (const hook of [...(this.#hooks.get(event) ?? [])]) await hook(...args);
    this.#observers.emit(event, ...args);
  }
}
