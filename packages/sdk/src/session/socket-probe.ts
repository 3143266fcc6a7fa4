/**
 * Does the server answer a new connection? After an address change the
 * signaling socket can be half-open (requests vanish) while the network works;
 * a fresh WebSocket tells the two apart. (An HTTP request could ride a pooled
 * connection as dead as the old socket; a WebSocket handshake is always a new one.)
 */
import type { WebSocketConstructor } from './signaling-client.ts';

export function serverAnswersNewSocket(url: string, WebSocketImpl: WebSocketConstructor | undefined, timeoutMs: number): Promise<boolean> {
  const Impl = WebSocketImpl ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
  if (!Impl) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = new Impl(url);
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.onopen = socket.onerror = socket.onclose = null;
      try {
        socket.close(1000, 'probe');
      } catch {}
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.onopen = () => done(true);
    socket.onerror = () => done(false);
    socket.onclose = () => done(false);
  });
}
