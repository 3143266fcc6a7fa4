/**
 * The recording of one session: at most one at a time, in the session's media
 * room, started and stopped by participants whose call token allows it. It
 * owns which recording is in progress; the session calls it on its queue and
 * hands it the room, so a recording goes on in a room made anew (after a lost
 * node or a restart) into the same folder, and one file covers the whole call.
 */
import { ParleyError, type RecordingActor } from '@parley/protocol';
import type { Logger } from 'pino';
import type { MediaRoom } from '../media/media-backend.ts';
import type { DomainEvents, SessionView } from './domain-events.ts';
import type { ParticipantView } from './participant.ts';

/** Where a recording's raw files go; made only when a recording really starts. */
export interface RecordingTarget {
  id: string;
  dir: string;
}

export interface RecordingState {
  recording: boolean;
  recordingId: string | null;
}

/** Who starts or stops a recording, as the events name them; FORBIDDEN when their token does not allow it. */
export function recorderOf(participant: ParticipantView): RecordingActor {
  if (!participant.canRecord) throw new ParleyError('FORBIDDEN', 'Your call token does not allow recording');
  return { uid: participant.uid, name: participant.info.name };
}

export class SessionRecording {
  #active: RecordingTarget | undefined;

  constructor(
    private readonly session: SessionView,
    private readonly events: DomainEvents,
    private readonly log: Logger,
  ) {}

  get state(): RecordingState {
    return { recording: this.#active !== undefined, recordingId: this.#active?.id ?? null };
  }

  /** Harmless while it records. `room` and `target` are asked for only when a recording really starts. */
  async start(by: RecordingActor, room: () => MediaRoom, target: () => RecordingTarget): Promise<RecordingState> {
    if (this.#active) return this.state;
    const into = room();
    const { id, dir } = target();
    const startedAt = new Date();
    await into.startRecording(dir);
    this.#active = { id, dir };
    try {
      await this.events.emit('recording.started', { session: this.session, recordingId: id, by, startedAt, rawDir: dir });
    } catch (error) {
      this.#active = undefined;
      await into.stopRecording().catch((stopError: unknown) => this.log.warn({ err: stopError }, 'could not stop an unrecorded recording'));
      throw error;
    }
    this.log.info({ recordingId: id, by: by.uid }, 'recording started');
    return this.state;
  }

  /** Returns the recording's id, or null when nothing recorded. `by` is null when the session ends. */
  async stop(by: RecordingActor | null, room: MediaRoom | undefined): Promise<string | null> {
    const active = this.#active;
    if (!active) return null;
    this.#active = undefined;
    const stoppedAt = new Date();
    await room?.stopRecording().catch((error: unknown) => this.log.warn({ err: error }, 'the media room did not stop recording; it may be gone'));
    await this.events.emit('recording.stopped', { session: this.session, recordingId: active.id, by, stoppedAt });
    this.log.info({ recordingId: active.id, by: by?.uid ?? null }, 'recording stopped');
    return active.id;
  }

  /** The recording in progress (if any) goes on in a room made anew, into its folder; `when` says which, for the log. */
  async goOnIn(room: MediaRoom, when: string): Promise<void> {
    if (!this.#active) return;
    await room.startRecording(this.#active.dir).catch((error: unknown) => this.log.error({ err: error }, `the recording could not go on ${when}`));
  }

  /** A recording persisted before a restart is this session's again and goes on in its new room. */
  restored(target: RecordingTarget, room: MediaRoom): Promise<void> {
    this.#active = target;
    return this.goOnIn(room, 'after the restart');
  }
}
