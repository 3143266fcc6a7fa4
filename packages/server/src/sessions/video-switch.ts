/**
 * Switching an audio-only session to video (the seed's `switchToVideoCall`):
 * the conversation of it. One request is pending at a time and the first
 * answer decides it. On accept the session's media becomes video here, and the
 * session makes everyone video-capable and tells the call log (`switched`).
 * Each client then starts its camera and renegotiates its publisher, and the
 * session's SubscriptionManager adds the new track to everyone who receives
 * that feed. The session calls request and answer from its queue.
 */
import { type Participant, ParleyError, type ServerEventName, type ServerEvents } from '@parley/protocol';
import type { Logger } from 'pino';
import type { ParticipantView } from './participant.ts';

export type SessionMedia = 'audio' | 'video';

/** What the switch needs of its session. */
export interface VideoSwitchHost {
  readonly participants: ReadonlyMap<string, ParticipantView>;
  broadcast<E extends ServerEventName>(event: E, data: ServerEvents[E], except?: string): void;
  list(): Participant[];
}

export interface VideoSwitchDeps {
  log: Logger;
  /** How long a request waits for an answer before it is withdrawn. */
  answerTimeoutMs: number;
  /** The switch was accepted: everyone may send video now, and the session's media is recorded. */
  switched(): Promise<void>;
}

export class VideoSwitch {
  /** The session's media: from its first participant's settings, video after a switch. */
  media: SessionMedia = 'video';
  #pending: { initiator: string; timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly session: VideoSwitchHost,
    private readonly deps: VideoSwitchDeps,
  ) {}

  /** Whose request waits for an answer, if any. */
  get pendingInitiator(): string | undefined {
    return this.#pending?.initiator;
  }

  /** The session started; an audio-only first participant makes it an audio session. */
  started(audioOnly: boolean): void {
    this.media = audioOnly ? 'audio' : 'video';
  }

  /** Whether a switch makes sense: an audio session, or someone in it is audio-only. */
  get canSwitch(): boolean {
    if (this.media === 'audio') return true;
    for (const p of this.session.participants.values()) if (p.info.isAudioOnly) return true;
    return false;
  }

  /** `participant` asks the others; they get `video.switchRequested`. */
  request(participant: ParticipantView): void {
    if (!this.canSwitch) throw new ParleyError('INVALID_STATE', 'The session is a video session already');
    if (this.#pending) throw new ParleyError('INVALID_STATE', 'A switch to video is waiting for an answer already');
    const others = [...this.session.participants.values()].filter((p) => p !== participant && p.state !== 'left');
    if (others.length === 0) throw new ParleyError('INVALID_STATE', 'Nobody else is in the session to ask');
    const timer = setTimeout(() => this.#withdraw('timeout'), this.deps.answerTimeoutMs);
    timer.unref();
    this.#pending = { initiator: participant.uid, timer };
    this.deps.log.info({ initiator: participant.uid }, 'switch to video requested');
    this.session.broadcast('video.switchRequested', { initiator: participant.uid }, participant.uid);
  }

  /** Someone other than the asker answers the pending request. */
  async answer(participant: ParticipantView, accept: boolean): Promise<void> {
    const pending = this.#pending;
    if (!pending) throw new ParleyError('INVALID_STATE', 'No switch to video is waiting for an answer');
    if (pending.initiator === participant.uid) throw new ParleyError('INVALID_STATE', 'The one who asked cannot answer');
    clearTimeout(pending.timer);
    this.#pending = undefined;
    const info = { initiator: pending.initiator, responder: participant.uid };
    this.deps.log.info({ ...info, accept }, 'switch to video answered');
    if (!accept) {
      this.session.broadcast('video.switchDeclined', info);
      return;
    }
    this.media = 'video';
    await this.deps.switched();
    this.session.broadcast('participants.changed', { participants: this.session.list() });
    this.session.broadcast('video.switched', info);
  }

  /** A participant left: a request of theirs is withdrawn, so nobody is left with a question nobody asks. */
  left(participant: ParticipantView): void {
    if (this.#pending?.initiator === participant.uid) this.#withdraw('left');
  }

  /** The session ends: no timer outlives it. */
  close(): void {
    clearTimeout(this.#pending?.timer);
    this.#pending = undefined;
  }

  #withdraw(reason: 'timeout' | 'left'): void {
    const pending = this.#pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending = undefined;
    this.deps.log.info({ initiator: pending.initiator, reason }, 'switch to video withdrawn');
    this.session.broadcast('video.switchWithdrawn', { initiator: pending.initiator, reason });
  }
}
