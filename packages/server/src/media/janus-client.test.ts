import type { AddressInfo } from 'node:net';
import { isParleyError } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { until } from '../testing/until.ts';
import { JanusClient } from './janus-client.ts';

/** A stand-in for Janus on loopback whose answers each test scripts. */
async function fakeJanus(onRequest: (msg: Record<string, unknown>, ws: WebSocket) => void) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'janus-protocol' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const sockets: WebSocket[] = [];
  server.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (raw) => onRequest(JSON.parse(raw.toString()) as Record<string, unknown>, ws));
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    for (const ws of sockets) ws.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, sockets, close };
}

const send = (ws: WebSocket, msg: Record<string, unknown>) => ws.send(JSON.stringify(msg));

/** Answers create and attach like Janus, with fixed ids. */
function sessionsAndHandles(msg: Record<string, unknown>, ws: WebSocket): boolean {
  if (msg.janus === 'create') send(ws, { janus: 'success', transaction: msg.transaction, data: { id: 11 } });
  else if (msg.janus === 'attach') {
    send(ws, { janus: 'success', session_id: 11, transaction: msg.transaction, data: { id: 22 } });
  } else return false;
  return true;
}

describe('JanusClient', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('rejects with MEDIA_TIMEOUT when Janus never answers', async () => {
    const fake = await fakeJanus(() => {});
    cleanups.push(fake.close);
    const client = await JanusClient.connect(fake.url, { requestTimeoutMs: 150 });
    cleanups.push(() => client.close());
    const err = await client.info().catch((e: unknown) => e);
    expect(isParleyError(err, 'MEDIA_TIMEOUT')).toBe(true);
  });

  it('rejects pending requests with MEDIA_UNAVAILABLE when the socket closes, and emits closed', async () => {
    const fake = await fakeJanus(() => {});
    cleanups.push(fake.close);
    const client = await JanusClient.connect(fake.url);
    let closed = false;
    client.on('closed', () => {
      closed = true;
    });
    const pending = client.info().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    for (const ws of fake.sockets) ws.terminate();
    const err = await pending;
    expect(isParleyError(err, 'MEDIA_UNAVAILABLE')).toBe(true);
    expect(closed).toBe(true);
    const after = await client.info().catch((e: unknown) => e);
    expect(isParleyError(after, 'MEDIA_UNAVAILABLE')).toBe(true);
  });

  it('fails to connect with MEDIA_UNAVAILABLE', async () => {
    const fake = await fakeJanus(() => {});
    await fake.close();
    const err = await JanusClient.connect(fake.url).catch((e: unknown) => e);
    expect(isParleyError(err, 'MEDIA_UNAVAILABLE')).toBe(true);
  });

  it('waits past the ack for the plugin event of an async message, and maps plugin errors', async () => {
    const fake = await fakeJanus((msg, ws) => {
      if (sessionsAndHandles(msg, ws)) return;
      if (msg.janus !== 'message') return;
      const body = msg.body as Record<string, unknown>;
      send(ws, { janus: 'ack', session_id: 11, transaction: msg.transaction });
      const data =
        body.request === 'bad' ? { videoroom: 'event', error_code: 426, error: 'No such room (5)' } : { ok: true };
      setTimeout(() => {
        send(ws, {
          janus: 'event',
          session_id: 11,
          sender: 22,
          transaction: msg.transaction,
          plugindata: { plugin: 'janus.plugin.videoroom', data },
          jsep: { type: 'answer', sdp: 'v=0' },
        });
      }, 20);
    });
    cleanups.push(fake.close);
    const client = await JanusClient.connect(fake.url);
    cleanups.push(() => client.close());
    const handle = await (await client.createSession()).attach('janus.plugin.videoroom');
    await expect(handle.message({ request: 'good' })).resolves.toEqual({
      data: { ok: true },
      jsep: { type: 'answer', sdp: 'v=0' },
    });
    const err = await handle.request({ request: 'bad' }).catch((e: unknown) => e);
    expect(isParleyError(err, 'MEDIA_ERROR')).toBe(true);
    expect((err as Error).message).toContain('426');
    expect((err as { details: unknown }).details).toEqual({ janusCode: 426, reason: 'No such room (5)' });
  });

  it('routes unsolicited messages to handle events and survives a throwing listener', async () => {
    const fake = await fakeJanus((msg, ws) => sessionsAndHandles(msg, ws));
    cleanups.push(fake.close);
    const client = await JanusClient.connect(fake.url);
    cleanups.push(() => client.close());
    const handle = await (await client.createSession()).attach('janus.plugin.videoroom');
    const seen: unknown[] = [];
    handle.on('webrtcup', () => {
      throw new Error('listener bug');
    });
    handle.on('webrtcup', () => seen.push('up'));
    handle.on('trickle', (c) => seen.push(c));
    handle.on('hangup', (reason) => seen.push(`hangup:${reason}`));
    handle.on('media', (m) => seen.push(m));
    handle.on('event', (data, jsep) => seen.push({ data, jsep }));
    handle.on('detached', () => seen.push('detached'));
    const ws = fake.sockets[0] as WebSocket;
    const base = { session_id: 11, sender: 22 };
    send(ws, { janus: 'webrtcup', ...base });
    send(ws, { janus: 'trickle', ...base, candidate: { candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 } });
    send(ws, { janus: 'trickle', ...base, candidate: { completed: true } });
    send(ws, { janus: 'media', ...base, type: 'video', receiving: true, mid: '1' });
    send(ws, { janus: 'event', ...base, plugindata: { plugin: 'x', data: { videoroom: 'updated' } } });
    send(ws, { janus: 'hangup', ...base, reason: 'DTLS alert' });
    send(ws, { janus: 'detached', ...base });
    // Polled, not a fixed wait: on a loaded machine a timer due on waking runs before the socket is read.
    await until(() => seen.includes('detached'), 'the last message handled');
    expect(seen).toEqual([
      'up',
      { candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 },
      null,
      { type: 'video', receiving: true, mid: '1' },
      { data: { videoroom: 'updated' }, jsep: undefined },
      'hangup:DTLS alert',
      'detached',
    ]);
    expect(handle.isDetached).toBe(true);
  });
});
