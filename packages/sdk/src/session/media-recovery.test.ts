/**
 * The server says `media.restart` (its media server came back, or it did),
 * or answers a resume with `mediaRestart` (it restarted while we were away):
 * the session replaces both peer connections, publishes the same tracks
 * again, and goes on — nobody left, nothing ended, mute kept.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { CallSettingsBuilder } from '../api/call-settings.ts';
import { DEFAULTS } from '../defaults.ts';
import { FakeMediaHandler, type FakePeerConnection, fakeSdp } from '../testing/fake-media.ts';
import { FakeSignalingServer } from '../testing/fake-signaling-server.ts';
import { person } from '../testing/person.ts';
import { setLogger } from '../util/logger.ts';
import { CallSession } from './call-session.ts';
import type { WebSocketConstructor } from './signaling-client.ts';

let server: FakeSignalingServer;
let media: FakeMediaHandler;
let session: CallSession;
const heard: string[] = [];
const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 2_000, interval: 5 });

beforeEach(async () => {
  setLogger({ debug() {}, info() {}, warn() {}, error() {} });
  heard.length = 0;
  server = await FakeSignalingServer.start();
  media = new FakeMediaHandler();
  server
    .on('join', () => ({
      result: { sessionId: 's1', kind: 'group', self: person('alice'), participants: [person('bob')], recording: false, resumeToken: 'resume-secret-0123456789' },
    }))
    .on('publish', () => ({ result: { jsep: { type: 'answer', sdp: 'janus-answer' } } }))
    .on('mute', (p) => ({ result: { participant: person('alice', { isAudioMuted: p.audioMuted === true }) } }));
  session = new CallSession({ serverUrl: server.url, token: 'jwt', sessionId: 's1', settings: new CallSettingsBuilder().build(), media, WebSocket: WebSocket as unknown as WebSocketConstructor });
  for (const name of ['onUserJoined', 'onUserLeft', 'onCallEnded', 'onSessionTimeout', 'onError', 'onReconnecting', 'onReconnected'] as const) {
    session.on(name, () => void heard.push(name));
  }
  await session.start();
});
afterEach(async () => {
  await session.endSession();
  await server.close();
  setLogger(undefined);
});

const pcs = () => media.peerConnections as FakePeerConnection[];

describe('the server made the media room again', () => {
  it('closes both connections, publishes the same tracks on a new one, and reports reconnecting then reconnected', async () => {
    await session.audioMuted(true);
    const [oldSubscriber, oldPublisher] = pcs();
    const sentTracks = oldPublisher!.transceivers.map((t) => t.sender.track);

    server.push('media.restart', { reason: 'media-node-lost' });
    await until(() => server.received('publish').length === 2);
    expect(oldSubscriber!.closed).toBe(true);
    expect(oldPublisher!.closed).toBe(true);
    const newPublisher = pcs()[3]!;
    expect(newPublisher.transceivers.map((t) => t.sender.track)).toEqual(sentTracks);
    expect(newPublisher.transceivers[0]!.sender.track?.enabled).toBe(false); // still muted
    expect(heard).toEqual(['onReconnecting']);

    newPublisher.setConnectionState('connected');
    await until(() => heard.includes('onReconnected'));
    expect(heard).toEqual(['onReconnecting', 'onReconnected']);
    expect(session.state).toBe('joined');
    expect(session.getLocalUser()?.isAudioMuted).toBe(true);
  });

  it('answers the next subscriber offer on the new receiving connection', async () => {
    server.push('media.restart', { reason: 'media-node-lost' });
    await until(() => server.received('publish').length === 2);
    server.on('subscriber.answer', () => ({ result: {} }));
    server.push('subscriber.offer', {
      jsep: { type: 'offer', sdp: fakeSdp([{ mid: 'a0', kind: 'audio' }]) },
      streams: [{ mid: 'a0', uid: 'bob', source: 'microphone', kind: 'audio', active: true }],
    });
    await until(() => server.received('subscriber.answer').length === 1);
    expect(pcs()[2]!.remoteDescription?.type).toBe('offer');
    expect(session.getParticipants().map((u) => u.uid)).toEqual(['alice', 'bob']);
    expect(heard).not.toContain('onUserLeft');
  });

  it('after a server restart, a resume answered with mediaRestart publishes again on new connections, with no leave, join or end', async () => {
    await session.audioMuted(true);
    server.on('resume', () => ({
      result: {
        sessionId: 's1',
        kind: 'group',
        self: person('alice', { isAudioMuted: true }),
        participants: [person('bob')],
        recording: false,
        resumeToken: 'resume-secret-0123456789',
        mediaRestart: 'server-restarted',
      },
    }));
    const [oldSubscriber, oldPublisher] = pcs();
    server.dropAll();
    await until(() => server.received('publish').length === 2);
    expect(oldSubscriber!.closed).toBe(true);
    expect(oldPublisher!.closed).toBe(true);
    const newPublisher = pcs().at(-1)!;
    expect(newPublisher.transceivers[0]!.sender.track?.enabled).toBe(false); // still muted
    // One outage, told once: reconnecting until our media flows again, not already when the socket is back.
    expect(heard).toEqual(['onReconnecting']);
    newPublisher.setConnectionState('connected');
    await until(() => heard.includes('onReconnected'));
    expect(heard).toEqual(['onReconnecting', 'onReconnected']);
    expect(session.state).toBe('joined');
  });

  it('reports MEDIA_ERROR (and stays in the call) when media does not flow again', async () => {
    server.push('media.restart', { reason: 'media-node-lost' });
    await until(() => server.received('publish').length === 2);
    pcs()[3]!.setConnectionState('failed');
    await until(() => heard.includes('onError'));
    expect(session.state).toBe('joined');
    expect(heard).not.toContain('onCallEnded');
  });
});

describe('our ICE restarts did not bring a connection back in time', () => {
  it('replaces both connections, telling the server (media.replace) before publishing again', async () => {
    const timings = DEFAULTS.iceRestart as { giveUpAfterMs: number };
    const giveUpAfterMs = timings.giveUpAfterMs;
    timings.giveUpAfterMs = 300;
    try {
      server.on('ice.restart', () => ({ error: { code: 'MEDIA_ERROR', message: 'the media server hung the connection up' } }));
      const [oldSubscriber, oldPublisher] = pcs();
      oldSubscriber!.setConnectionState('failed');

      await until(() => server.received('publish').length === 2);
      const asked = server.requests.map((r) => r.type);
      expect(asked.indexOf('media.replace')).toBeGreaterThan(asked.indexOf('ice.restart'));
      expect(asked.indexOf('media.replace')).toBeLessThan(asked.lastIndexOf('publish'));
      expect(oldSubscriber!.closed).toBe(true);
      expect(oldPublisher!.closed).toBe(true);
      expect(heard).toEqual(['onError', 'onReconnecting']); // the failed connection, then its replacement
      pcs()[3]!.setConnectionState('connected');
      await until(() => heard.includes('onReconnected'));
    } finally {
      timings.giveUpAfterMs = giveUpAfterMs;
    }
  });
});
