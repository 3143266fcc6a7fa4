/**
 * Recording as session state: start, stop, and the session ending while it
 * records. Steps for one session run one at a time. Everyone in the session,
 * the one who asked included, gets `recording.toggled` with who did it.
 */
import { randomUUID } from 'node:crypto';
import { ParleyError } from '@parley/protocol';
import type { Logger } from 'pino';
import type { CallSession } from '../sessions/call-session.ts';
import type { SessionParticipant } from '../sessions/participant.ts';
import { SerialQueue } from '@parley/protocol';
import type { RecordingService } from './recording-service.ts';

/** When to ask publishers for key frames again after recording started. */
const KEYFRAME_RETRY_MS = [1_000, 2_500];

interface ActiveRecording {
  id: string;
  rawDir: string;
}

export interface RecordingState {
  recording: boolean;
  recordingId: string | null;
}

export class RecordingController {
  readonly #active = new WeakMap<CallSession, ActiveRecording>();
  readonly #queues = new WeakMap<CallSession, SerialQueue>();

  constructor(
    private readonly service: RecordingService,
    private readonly log: Logger,
  ) {}

  activeId(session: CallSession): string | null {
    return this.#active.get(session)?.id ?? null;
  }

  /** Starts recording the session; harmless when it records already. */
  start(session: CallSession, by: SessionParticipant): Promise<RecordingState> {
    if (!by.canRecord) return Promise.reject(new ParleyError('FORBIDDEN', 'Your call token does not allow recording'));
    return this.#serial(session, async () => {
      const current = this.#active.get(session);
      if (current) return { recording: true, recordingId: current.id };
      const room = session.room;
      if (!room || !session.isOpen) throw new ParleyError('SESSION_ENDED');
      const id = randomUUID();
      const rawDir = this.service.rawDirFor(id);
      const startedAt = new Date();
      await room.setRecordingDir(rawDir);
      await room.setRecording(true);
      // Recorders start mid-stream and a file is unplayable until its first key frame: ask every publisher for one now.
      await this.#askForKeyFrames(session);
      // Janus rate-limits key frame requests; ask again once the recorders have settled.
      for (const ms of KEYFRAME_RETRY_MS) setTimeout(() => void this.#askForKeyFrames(session), ms).unref();
      await this.service.store.create({ id, sessionId: session.sessionId, startedBy: { uid: by.uid, name: by.info.name }, startedAt, rawDir });
      this.#active.set(session, { id, rawDir });
      session.recording = true;
      this.log.info({ sessionId: session.sessionId, recordingId: id, by: by.uid }, 'recording started');
      session.broadcast('recording.toggled', { recording: true, by: { uid: by.uid, name: by.info.name }, recordingId: id });
      return { recording: true, recordingId: id };
    });
  }

  /** Stops recording and queues the job; harmless when nothing records. */
  stop(session: CallSession, by: SessionParticipant): Promise<RecordingState> {
    if (!by.canRecord) return Promise.reject(new ParleyError('FORBIDDEN', 'Your call token does not allow recording'));
    return this.#serial(session, async () => {
      const id = await this.#stop(session);
      if (id === null) return { recording: false, recordingId: null };
      this.log.info({ sessionId: session.sessionId, recordingId: id, by: by.uid }, 'recording stopped');
      session.broadcast('recording.toggled', { recording: false, by: { uid: by.uid, name: by.info.name }, recordingId: id });
      return { recording: false, recordingId: id };
    });
  }

  /** A publisher's media came up: while recording, make sure Janus records it too. */
  publisherUp(session: CallSession, participant: SessionParticipant): void {
    void this.#serial(session, async () => {
      const active = this.#active.get(session);
      if (active && participant.publishing) await this.#recordPublisher(participant);
    }).catch((error: unknown) => this.log.warn({ err: error, uid: participant.uid }, 'could not start recording a publisher'));
  }

  /** The session is ending: a running recording stops and is processed. */
  sessionEnding(session: CallSession): Promise<void> {
    return this.#serial(session, async () => {
      const id = await this.#stop(session);
      if (id) this.log.info({ sessionId: session.sessionId, recordingId: id }, 'recording stopped: session ended');
    });
  }

  async #stop(session: CallSession): Promise<string | null> {
    const active = this.#active.get(session);
    if (!active) return null;
    this.#active.delete(session);
    session.recording = false;
    const stoppedAt = new Date();
    await session.room?.setRecording(false).catch((error: unknown) => this.log.warn({ err: error }, 'janus did not stop recording; the room may be gone'));
    await this.service.store.stopped(active.id, stoppedAt);
    const row = await this.service.store.get(active.id);
    if (row) this.service.process(row);
    return active.id;
  }

  /**
   * Janus itself records publishers who join while the room records (checked
   * on 1.1.2: `enable_recording` sets the room's flag, and new publishers get
   * recorders when their media starts), so no `record`/`filename` here — a
   * `record: true` on a recording publisher makes Janus start new files.
   * `keyframe: true` sends the browser a PLI, so the stream's file starts with
   * a picture rather than waiting for the browser's next key frame (which may
   * not come before the person leaves). Files are named after the feed.
   */
  async #recordPublisher(p: SessionParticipant): Promise<void> {
    const publisher = p.publisher;
    if (!publisher || publisher.handle.isDetached) return;
    await publisher.handle.request({ request: 'configure', keyframe: true });
  }

  async #askForKeyFrames(session: CallSession): Promise<void> {
    if (!this.#active.has(session)) return;
    for (const p of session.participants.values()) {
      if (p.publishing) await this.#recordPublisher(p).catch((error: unknown) => this.log.warn({ err: error, uid: p.uid }, 'key frame request failed'));
    }
  }

  #serial<T>(session: CallSession, step: () => Promise<T>): Promise<T> {
    let queue = this.#queues.get(session);
    if (!queue) {
      queue = new SerialQueue();
      this.#queues.set(session, queue);
    }
    return queue.run(step);
  }
}
