import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { until } from '../testing/until.ts';
import { JanusEventsServer } from './janus-events-server.ts';
import type { HandleStats } from './janus-events.ts';

const opened = (url: string, protocol = 'janus-event-handlers') =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url, protocol);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

const stats = (handleId: number) =>
  JSON.stringify([{ type: 32, subtype: 3, session_id: 4, handle_id: handleId, event: [{ mid: '0', media: 'audio', 'in-link-quality': 90, 'out-media-link-quality': 0, 'jitter-local': 2, 'jitter-remote': 0, 'bytes-received-lastsec': 4000, 'bytes-sent-lastsec': 0, rtt: 9 }] }]);

describe("the endpoint Janus's event handler connects to", () => {
  let server: JanusEventsServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('takes events only at its token path, and hands on each handle\'s stats', async () => {
    server = await JanusEventsServer.listen(undefined, { host: '127.0.0.1', port: 0, token: 'node-admin-key' });
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/janus-events\/node-admin-key$/);
    await expect(opened(server.url.replace('node-admin-key', 'guess'))).rejects.toThrow();
    const got: HandleStats[] = [];
    server.on('stats', (s) => got.push(s));
    const janus = await opened(server.url);
    janus.send(stats(21));
    janus.send('not json');
    // Polled, not a fixed wait: on a loaded machine a timer due on waking runs before the socket is read.
    await until(() => server?.rejected === 1, 'the second message handled');
    janus.close();
    expect(got).toEqual([{ sessionId: 4, handleId: 21, stats: { received: { lossPercent: 10, jitterMs: 2, bytesPerSecond: 4000 }, rttMs: 9 } }]);
    expect(server.rejected).toBe(1);
  });

  it('listens on loopback with a random token by default (the embedded Janus)', async () => {
    server = await JanusEventsServer.listen();
    const other = await JanusEventsServer.listen();
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/janus-events\/[\w-]{24}$/);
    expect(other.url.split('/').at(-1)).not.toBe(server.url.split('/').at(-1));
    await other.close();
  });
});
