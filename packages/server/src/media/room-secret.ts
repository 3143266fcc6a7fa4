/**
 * A VideoRoom room's secret (needed to destroy it, to record, to forward its
 * publishers): derived from the node's admin key and the room's number, so
 * any process of a cluster sharing the node's admin key can destroy a room
 * another one made and left behind when it died (stale-rooms.ts). Without an
 * admin key nothing can be derived safely: a random secret, known only here.
 */
import { createHmac, randomBytes } from 'node:crypto';

export function roomSecret(adminKey: string, roomId: number): string {
  if (adminKey === '') return randomBytes(18).toString('base64url');
  return createHmac('sha256', adminKey).update(`parley-room-secret:${roomId}`).digest('base64url').slice(0, 24);
}
