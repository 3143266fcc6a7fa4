
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeSignalingServer } from '../testing/fake-signaling-server.ts';
import { type CloseInfo, SignalingClient, signalingUrl, type WebSocketConstructor } from './signaling-client.ts';
import { rejection } from '../testing/rejection.ts';

const WS = WebSocket as unknown as WebSocketConstructor;
let server: FakeSignalingServer;
let client: SignalingClient;

beforeEach(async () => {
  server = await FakeSignalingServer.start();
  client = new SignalingClient(signalingUrl(server.url), { WebSocket: WS, requestTimeoutMs: 300 });
});
afterEach(async () => {
  client.close();
  await server.close();
});


describe('signalingUrl', () => {
  it('turns http(s) into ws(s) and appends /v1/ws', () => {
    expect(signalingUrl('http://a:8080')).toBe('ws://a:8080/v1/ws');
    expect(signalingUrl('https://a.example/base/')).toBe('wss://a.example/base/v1/ws');
  });
});

describe('SignalingClient', () => {
  it('matches each response to its request by id, even out of order', async () => {
    let releasePing: (() => void) | undefined;
    server.on('ping', () => new Promise((resolve) => (releasePing = () => resolve({ result: { now: 1 } }))));
    server.on('mute', (params) => ({ result: { participant: { uid: 'a', params } } }));
    await client.connect();
    const ping = client.request('ping', {});
    const mute = client.request('mute', { audioMuted: true });
    const muted = await mute;
    expect(muted.participant).toMatchObject({ uid: 'a' });
    releasePing?.();
    expect(await ping).toEqual({ now: 1 });
    const [p, m] = server.requests;
    expect(p?.type).toBe('ping');
    expect(m).toMatchObject({ type: 'mute', params: { audioMuted: true } });
    expect(p?.id).not.toBe(m?.id);
  });

  it('rejects with the error code the server sent', async () => {
    server.on('join', () => ({ error: { code: 'CALL_TOKEN_EXPIRED', message: 'expired' } }));
    await client.connect();
    const error = await rejection(client.request('join', { token: 't' }));
    expect(error.code).toBe('CALL_TOKEN_EXPIRED');
    expect(error.message).toBe('expired');
  });

  it('rejects with REQUEST_TIMEOUT when the server never answers, and ignores a late answer', async () => {
    server.on('ping', () => 'silent');
    await client.connect();
    const error = await rejection(client.request('ping', {}, 50));
    expect(error.code).toBe('REQUEST_TIMEOUT');
  });

  it('rejects every pending request with CONNECTION_CLOSED when the socket drops', async () => {
    server.on('ping', () => 'silent').on('leave', () => 'silent');
    await client.connect();
    const closed = new Promise<CloseInfo>((resolve) => client.on('@close', resolve));
    const a = rejection(client.request('ping', {}, 5_000));
    const b = rejection(client.request('leave', {}, 5_000));
    await server.next('leave');
    server.dropAll();
    expect((await a).code).toBe('CONNECTION_CLOSED');
    expect((await b).code).toBe('CONNECTION_CLOSED');
    expect((await closed).clean).toBe(false);
    expect((await rejection(client.request('ping', {}))).code).toBe('CONNECTION_CLOSED');
  });

  it('rejects pending requests with CONNECTION_CLOSED when we close, and reports a clean close', async () => {
    server.on('ping', () => 'silent');
    await client.connect();
    const closes: CloseInfo[] = [];
    client.on('@close', (info) => closes.push(info));
    const pending = rejection(client.request('ping', {}, 5_000));
    await server.next('ping');
    client.close();
    client.close();
    expect((await pending).code).toBe('CONNECTION_CLOSED');
    expect(closes).toEqual([{ code: 1000, reason: 'client closed', clean: true }]);
  });

  it('delivers server events to typed listeners, surviving a throwing one', async () => {
    await client.connect();
    const got: unknown[] = [];
    client.on('participant.joined', () => {
      throw new Error('listener bug');
    });
    client.on('participant.joined', (data) => got.push(data.participant.uid));
    const ended = new Promise((resolve) => client.on('session.ended', resolve));
    server.push('participant.joined', {
      participant: { uid: 'bob', name: 'Bob', avatar: null, joinedAt: 1, isAudioMuted: false, isVideoMuted: false, isAudioOnly: false },
    });
    server.push('session.ended', { reason: 'timeout' });
    expect(await ended).toEqual({ reason: 'timeout' });
    expect(got).toEqual(['bob']);
  });

  it('rejects connect with NETWORK_ERROR when nothing listens', async () => {
    const url = server.url;
    await server.close();
    const lonely = new SignalingClient(signalingUrl(url), { WebSocket: WS });
    expect((await rejection(lonely.connect())).code).toBe('NETWORK_ERROR');
    server = await FakeSignalingServer.start();
  });
});

describe('the heartbeat', () => {
  const beating = () => new SignalingClient(signalingUrl(server.url), { WebSocket: WS, heartbeat: { intervalMs: 50, missedBeats: 2 } });

  it('keeps a quiet socket whose server answers its pings', async () => {
    const quiet = beating();
    await quiet.connect();
    await new Promise((r) => setTimeout(r, 500));
    expect(quiet.isOpen).toBe(true);
    expect(server.received('ping').length).toBeGreaterThanOrEqual(3);
    quiet.close();
  });

  it('drops a socket whose server stopped answering, as an unclean close the session resumes from', async () => {
    server.on('ping', () => 'silent');
    const stuck = beating();
    const closed = new Promise<CloseInfo>((resolve) => stuck.on('@close', resolve));
    await stuck.connect();
    const started = Date.now();
    const info = await closed;
    // 2 unanswered pings: 150–200 ms on time; a loaded machine runs the beats late, and late beats wait up to 300 ms of silence
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(info).toMatchObject({ code: 1006, clean: false });
    expect(server.received('ping')).toHaveLength(2);
  });
});
