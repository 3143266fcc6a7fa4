/**
 * A session's media room, and its recovery when the room is lost with its
 * node: everyone's connections are gone, nobody left. A new room is made
 * (outside the session's queue: mutes, leaves and stays go on meanwhile), and
 * the session goes on in it; without a room by the deadline, the session ends
 * with media-failure. The session tells what losing and regaining the room
 * means for its participants (SessionRoomHost).
 */
import { ParleyError, type SerialQueue } from '@parley/protocol';
import type { Logger } from 'pino';
import { DEFAULTS } from '../defaults.ts';
import type { MediaBackend, MediaRoom } from '../media/media-backend.ts';
import { remakeRoom } from './media-recovery.ts';

/** What the room needs of its session. */
export interface SessionRoomHost {
  readonly sessionId: string;
  /** False once the session is ending or ended. */
  isOpen(): boolean;
  /** Everyone's publications went with the lost room (on the session's queue). */
  mediaLost(): Promise<void>;
  /** A room made anew is the session's (on its queue): a recording goes on in it, and every client publishes again. */
  mediaBack(room: MediaRoom): Promise<void>;
  /** No room could be made again in time. */
  mediaFailed(): Promise<void>;
}

export class SessionRoom {
  #room: MediaRoom | undefined;

  constructor(
    private readonly host: SessionRoomHost,
    private readonly media: MediaBackend,
    private readonly queue: SerialQueue,
    private readonly log: Logger,
  ) {}

  /** The room now, or undefined while it is being made again. */
  get current(): MediaRoom | undefined {
    return this.#room;
  }

  /** The room for a step that needs one: SESSION_ENDED or MEDIA_UNAVAILABLE otherwise. */
  require(): MediaRoom {
    if (!this.host.isOpen()) throw new ParleyError('SESSION_ENDED');
    if (!this.#room) throw new ParleyError('MEDIA_UNAVAILABLE', 'The media room is being made again');
    return this.#room;
  }

  /** Makes the session's room (at its start, or its rebuild after a restart). */
  async open(): Promise<MediaRoom> {
    const room = await this.media.createRoom(this.host.sessionId);
    this.#use(room);
    return room;
  }

  /** The session did not start after all: its room goes, and is not the session's any more. */
  async discard(): Promise<void> {
    const room = this.#room;
    this.#room = undefined;
    await room?.destroy().catch((error: unknown) => this.log.warn({ err: error }, 'room destroy failed'));
  }

  /** The session is over here (ended, or handed over): its room goes, and a recording in it stops. */
  async destroy(): Promise<void> {
    await this.#room?.destroy().catch((error: unknown) => this.log.warn({ err: error }, 'room destroy failed'));
  }

  /** The session's room from now on; if its node goes away, another is made and the session goes on. */
  #use(room: MediaRoom): void {
    room.on('lost', () => void this.#recover(room).catch((error) => this.log.error({ err: error }, 'recovering the media room failed')));
    this.#room = room;
  }

  async #recover(lost: MediaRoom): Promise<void> {
    const stillLost = await this.queue.run(() => this.#lost(lost));
    if (!stillLost) return;
    const room = await remakeRoom(this.media, this.host.sessionId, {
      deadlineMs: DEFAULTS.mediaRecoveryTimeoutMs,
      retryMs: DEFAULTS.mediaRecoveryRetryMs,
      stillWanted: () => this.host.isOpen(),
      log: this.log,
    });
    if (!room) {
      if (this.host.isOpen()) this.log.error({ node: lost.node }, 'no media room could be made again: the session ends');
      await this.host.mediaFailed();
      return;
    }
    await this.queue.run(() => this.#back(room));
  }

  /** False when the room is not the session's any more (ended, or recovered already). */
  async #lost(lost: MediaRoom): Promise<boolean> {
    if (!this.host.isOpen() || this.#room !== lost) return false;
    this.log.error({ node: lost.node }, 'the media room is gone: making it again');
    this.#room = undefined;
    void lost.destroy().catch((error: unknown) => this.log.debug({ err: error }, 'the lost room could not be destroyed'));
    await this.host.mediaLost();
    return true;
  }

  async #back(room: MediaRoom): Promise<void> {
    if (!this.host.isOpen()) {
      await room.destroy().catch((error: unknown) => this.log.warn({ err: error }, 'room destroy failed'));
      return;
    }
    this.#use(room);
    this.log.info({ node: room.node, room: room.id }, 'media room made again: everyone publishes again');
    await this.host.mediaBack(room);
  }
}
