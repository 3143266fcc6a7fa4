/**
 * Rooms a process that died left on a shared Janus node (JANUS_URLS): the
 * process that took its sessions over (or closed them) makes rooms of its own,
 * and the old ones would stay until the node restarts. A node lists its
 * private rooms to whoever has its admin key; a session's rooms are the ones
 * described by its id (media-plane.ts), and their secret is derived from the
 * admin key (room-secret.ts).
 */
import type { JanusSession } from './janus-session.ts';
import { janusCodeOf } from './janus-errors.ts';
import { NO_SUCH_ROOM, VIDEOROOM } from './janus-room.ts';
import { roomSecret } from './room-secret.ts';

/** What a room is described as in Janus: its session's id (VideoRoom keeps descriptions short). */
export const roomDescription = (sessionId: string): string => sessionId.slice(0, 60);

/**
 * Destroys every room on the node described as one of `sessionIds` (none of
 * them may have a room made by this process yet). Answers the rooms destroyed.
 */
export async function destroyStaleRooms(janus: JanusSession, adminKey: string, sessionIds: readonly string[]): Promise<number[]> {
  const described = new Set(sessionIds.map(roomDescription));
  const admin = await janus.attach(VIDEOROOM);
  try {
    const listed = await admin.request({ request: 'list', admin_key: adminKey });
    const rooms = (Array.isArray(listed.list) ? listed.list : []) as { room: number; description?: string }[];
    const stale = rooms.filter((r) => r.description !== undefined && described.has(r.description)).map((r) => r.room);
    for (const room of stale) {
      try {
        await admin.request({ request: 'destroy', room, secret: roomSecret(adminKey, room) });
      } catch (error) {
        if (janusCodeOf(error) !== NO_SUCH_ROOM) throw error;
      }
    }
    return stale;
  } finally {
    await admin.detach();
  }
}
