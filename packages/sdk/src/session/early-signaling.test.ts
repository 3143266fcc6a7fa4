import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { CallSettingsBuilder } from '../api/call-settings.ts';
import { FakeMediaHandler } from '../testing/fake-media.ts';
import { FakeSignalingServer } from '../testing/fake-signaling-server.ts';
import { person } from '../testing/person.ts';
import { CallSession } from './call-session.ts';
import { EarlySignaling } from './early-signaling.ts';
import { SignalingClient, signalingUrl, type WebSocketConstructor, type WebSocketLike } from './signaling-client.ts';

const IDLE_MS = 60_000;

/** A socket the test opens, fails or watches being closed. */
class FakeSocket implements WebSocketLike {
  static made: FakeSocket[] = [];
  readyState = 0;
  closedWith: number | undefined;
  onopen: WebSocketLike['onopen'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  onmessage: WebSocketLike['onmessage'] = null;

  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  fail(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }

  send(): void {}

  close(code?: number): void {
    this.readyState = 3;
    this.closedWith = code;
  }
}

const fakeEarly = () =>
  new EarlySignaling(() => new SignalingClient('ws://parley.test/v1/ws', { WebSocket: FakeSocket, heartbeat: false }), IDLE_MS);

describe('a signaling socket opened ahead (generateToken)', () => {
  beforeEach(() => {
    FakeSocket.made = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('is handed to the session that starts next once it is open, and is then no longer closed when idle', async () => {
    const early = fakeEarly();
    early.open();
    const taken = early.take();
    FakeSocket.made[0]?.open();
    const client = await taken;
    expect(client?.isOpen).toBe(true);
    expect(early.take()).toBeUndefined(); // handed over once: a second session opens its own
    vi.advanceTimersByTime(IDLE_MS * 2);
    expect(FakeSocket.made[0]?.closedWith).toBeUndefined();
  });

  it('opens one socket however often tokens are fetched', () => {
    const early = fakeEarly();
    early.open();
    early.open();
    expect(FakeSocket.made).toHaveLength(1);
  });

  it('closes a socket no session took after the idle time, counted from the last token', () => {
    const early = fakeEarly();
    early.open();
    FakeSocket.made[0]?.open();
    vi.advanceTimersByTime(IDLE_MS - 1_000);
    early.open();
    vi.advanceTimersByTime(IDLE_MS - 1_000);
    expect(FakeSocket.made[0]?.closedWith).toBeUndefined();
    vi.advanceTimersByTime(1_000);
    expect(FakeSocket.made[0]?.closedWith).toBe(1000);
    expect(early.take()).toBeUndefined();
  });

  it('hands over nothing when the socket failed to open, so the session opens its own', async () => {
    const early = fakeEarly();
    early.open();
    const taken = early.take();
    FakeSocket.made[0]?.fail();
    expect(await taken).toBeUndefined();
  });

  it('forgets a socket that closed before any session came, and opens a new one for the next token', () => {
    const early = fakeEarly();
    early.open();
    FakeSocket.made[0]?.open();
    FakeSocket.made[0]?.fail();
    expect(early.take()).toBeUndefined();
    early.open();
    expect(FakeSocket.made).toHaveLength(2);
  });

  it('opens nothing where there is no WebSocket', () => {
    const early = new EarlySignaling(() => new SignalingClient('ws://parley.test/v1/ws', { WebSocket: undefined }), IDLE_MS);
    const saved = (globalThis as { WebSocket?: unknown }).WebSocket;
    (globalThis as { WebSocket?: unknown }).WebSocket = undefined;
    try {
      early.open();
      expect(early.take()).toBeUndefined();
    } finally {
      (globalThis as { WebSocket?: unknown }).WebSocket = saved;
    }
  });
});

describe('a session started after generateToken', () => {
  const WS = WebSocket as unknown as WebSocketConstructor;
  let server: FakeSignalingServer;

  beforeEach(async () => {
    server = await FakeSignalingServer.start();
    server
      .on('join', () => ({
        result: { sessionId: 's1', kind: 'group', self: person('alice'), participants: [], recording: false, resumeToken: 'resume-secret-0123456789' },
      }))
      .on('publish', () => ({ result: { jsep: { type: 'answer', sdp: 'janus-answer' } } }));
  });
  afterEach(() => server.close());

  const startWith = async (early: EarlySignaling) => {
    const settings = new CallSettingsBuilder().setIsAudioOnly(true).build();
    const session = new CallSession({ serverUrl: server.url, token: 'jwt', settings, media: new FakeMediaHandler(), WebSocket: WS, earlySignaling: early });
    await session.start();
    return session;
  };

  it('joins over the socket opened ahead and opens no other', async () => {
    const early = new EarlySignaling(() => new SignalingClient(signalingUrl(server.url), { WebSocket: WS }), IDLE_MS);
    early.open();
    const session = await startWith(early);
    expect(server.connections).toBe(1);
    expect(server.received('join')).toHaveLength(1);
    await session.endSession();
  });

  it('opens its own socket when the one opened ahead could not connect', async () => {
    const unreachable = signalingUrl('http://127.0.0.1:1');
    const early = new EarlySignaling(() => new SignalingClient(unreachable, { WebSocket: WS }), IDLE_MS);
    early.open();
    const session = await startWith(early);
    expect(server.connections).toBe(1);
    expect(session.state).toBe('joined');
    await session.endSession();
  });
});
