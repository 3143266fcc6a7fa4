/**
 * Stopping the server while a client reconnects, with a real server. A client
 * whose socket the stop closes reconnects at once (the SDK does); its
 * WebSocket upgrade can reach the server after the app began closing and
 * before its listener went. That upgrade is refused (503) and its socket
 * ended by the server, so the stop does not wait on it: answered through the
 * WebSocket plugin on a socket nobody ended, it held the HTTP server's close —
 * and a SIGTERM'd server — until the client gave up (the e2e server-restart
 * SIGTERM case, under load).
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer } from '../testing/test-server.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw WebSocket upgrade on a new connection: resolves with the status line, and whether the server then ended the connection. */
function upgradeRequest(url: string): Promise<{ status: string; endedByServer: Promise<boolean> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET /v1/ws HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    });
    const ended = new Promise<boolean>((done) => socket.once('close', () => done(true)));
    socket.once('data', (data) => {
      const endedByServer = Promise.race([ended, sleep(3_000).then(() => false)]).finally(() => socket.destroy());
      resolve({ status: data.toString().split('\r\n')[0] as string, endedByServer });
    });
    socket.once('error', reject);
  });
}

describe('stopping the server while a client reconnects', () => {
  it('refuses the upgrade that arrives meanwhile, ends its socket, and stops in bounded time', async () => {
    const server = await startTestServer({}, { media: true });
    // One client that no longer reads keeps the app's close in its socket close handshake (1 s)…
    const vanished = await TestSignalingClient.open(server.url);
    (vanished.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    // …and one that reconnects the moment its socket is closed, as the SDK does.
    const reconnecting = await TestSignalingClient.open(server.url);
    const again = new Promise<Awaited<ReturnType<typeof upgradeRequest>>>((resolve, reject) => {
      reconnecting.ws.once('close', () => upgradeRequest(server.url).then(resolve, reject));
    });

    const started = Date.now();
    const stopped = server.close().then(() => Date.now() - started);
    const upgrade = await again;
    const tookMs = await Promise.race([stopped, sleep(20_000).then(() => Number.POSITIVE_INFINITY)]);

    console.log(`an upgrade during the stop: ${upgrade.status}; the stop took ${tookMs} ms`);
    expect(upgrade.status).toBe('HTTP/1.1 503 Service Unavailable');
    expect(await upgrade.endedByServer).toBe(true);
    expect(tookMs).toBeLessThan(4_000);
    vanished.ws.terminate();
  });
});
