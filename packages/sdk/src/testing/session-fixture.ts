/**
 * A CallSession's world for its unit tests: a fake signaling server where
 * alice joins a call bob is in, fake camera and microphone, and the SDK's
 * errors captured. A test file calls useSessionFixture() once at its top;
 * `server`, `media` and `logged` are fresh for each test.
 */
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { WebSocket } from 'ws';
import { CallSettingsBuilder } from '../api/call-settings.ts';
import { CallSession, type CallSessionOptions } from '../session/call-session.ts';
import type { WebSocketConstructor } from '../session/signaling-client.ts';
import { setLogger } from '../util/logger.ts';
import { FakeMediaHandler, type FakePeerConnection } from './fake-media.ts';
import { FakeSignalingServer } from './fake-signaling-server.ts';
import { person } from './person.ts';

const WS = WebSocket as unknown as WebSocketConstructor;

export const logged = { error: [] as unknown[][] };
export let server: FakeSignalingServer;
export let media: FakeMediaHandler;

export function useSessionFixture(): void {
  beforeEach(async () => {
    logged.error = [];
    setLogger({ debug() {}, info() {}, warn() {}, error: (...a) => logged.error.push(a) });
    server = await FakeSignalingServer.start();
    media = new FakeMediaHandler();
    server
      .on('join', (p) => ({
        result: { sessionId: 's1', kind: 'group', self: person('alice', { isAudioMuted: p.audioMuted === true, isAudioOnly: p.audioOnly === true }), participants: [person('bob')], recording: false, resumeToken: 'resume-secret-0123456789' },
      }))
      .on('publish', () => ({ result: { jsep: { type: 'answer', sdp: 'janus-answer' } } }))
      .on('mute', (p) => ({ result: { participant: person('alice', { isAudioMuted: p.audioMuted === true, isVideoMuted: p.videoMuted === true }) } }));
  });
  afterEach(async () => {
    await server.close();
    setLogger(undefined);
  });
}

export function makeSession(build: (b: CallSettingsBuilder) => CallSettingsBuilder = (b) => b, more: Partial<CallSessionOptions> = {}): CallSession {
  return new CallSession({ serverUrl: server.url, token: 'jwt', sessionId: 's1', settings: build(new CallSettingsBuilder()).build(), media, WebSocket: WS, ...more });
}

/** A session with default settings and these options (a view, a reconnect policy). */
export const sessionWith = (more: Partial<CallSessionOptions>): CallSession => makeSession(undefined, more);

export const publisherPc = (): FakePeerConnection => media.peerConnections[1] as FakePeerConnection;
export const subscriberPc = (): FakePeerConnection => media.peerConnections[0] as FakePeerConnection;
export const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 2_000, interval: 5 });
