/**
 * Making a session's media room again after it was lost with its node (the
 * supervised Janus crashed and is restarting, or a JANUS_URLS node stopped
 * answering). The backend is asked again and again, paced, until it answers
 * with a room (on the restarted node or another one), the session no longer
 * wants one, or the deadline passes.
 */
import type { Logger } from 'pino';
import type { MediaBackend, MediaRoom } from '../media/media-backend.ts';

export interface RemakeRoomOptions {
  /** Give up after this long (ms). */
  deadlineMs: number;
  /** Pauses between attempts (ms); the last repeats. */
  retryMs: readonly number[];
  /** False once the session ended meanwhile. */
  stillWanted(): boolean;
  log: Logger;
}

/** The new room, or undefined when the deadline passed or the session no longer wants it. */
export async function remakeRoom(media: MediaBackend, sessionId: string, opts: RemakeRoomOptions): Promise<MediaRoom | undefined> {
  const giveUpAt = Date.now() + opts.deadlineMs;
  for (let attempt = 0; opts.stillWanted(); attempt++) {
    try {
      const room = await media.createRoom(sessionId);
      if (opts.stillWanted()) return room;
      await room.destroy().catch(() => undefined);
      return undefined;
    } catch (error) {
      opts.log.debug({ err: error, attempt }, 'the media room could not be made again yet');
    }
    const pause = opts.retryMs[Math.min(attempt, opts.retryMs.length - 1)] ?? 1_000;
    if (Date.now() + pause > giveUpAt) return undefined;
    await new Promise((resolve) => setTimeout(resolve, pause).unref());
  }
  return undefined;
}
