/**
 * Closing every signaling socket as the server stops, in bounded time. `ws`
 * waits 30 s for the other end's close frame, and the HTTP server's close
 * waits for every socket: one client that vanished behind a downed link
 * held the whole shutdown that long. Each socket gets a close frame; those
 * whose handshake has not finished after `handshakeMs` are terminated.
 */
import { CLOSE_CODES } from '@parley/protocol';
import type { WebSocket } from 'ws';

const CLOSED = 3;

export type ClosableSocket = Pick<WebSocket, 'readyState' | 'close' | 'terminate' | 'once'>;

export async function closeWithin(sockets: Iterable<ClosableSocket>, handshakeMs: number, reason = 'server shutting down'): Promise<void> {
  const open = [...sockets].filter((s) => s.readyState !== CLOSED);
  if (open.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = open.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
  for (const socket of open) socket.close(CLOSE_CODES.serverShutdown, reason);
  await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, handshakeMs)))]);
  clearTimeout(timer);
  for (const socket of open) if (socket.readyState !== CLOSED) socket.terminate();
}
