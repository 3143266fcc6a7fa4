/**
 * A call session's quality monitor, wired: every 5 s it samples its peer
 * connections, sends the sample (`quality.sample`) and reports its own
 * network quality; the others' come from the server's `participant.quality`.
 */
import type { NetworkQuality, QualitySample } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { CallSettingsBuilder } from '../api/call-settings.ts';
import { CallSession } from '../session/call-session.ts';
import type { WebSocketConstructor } from '../session/signaling-client.ts';
import { FakeMediaHandler, type FakePeerConnection } from '../testing/fake-media.ts';
import { FakeSignalingServer } from '../testing/fake-signaling-server.ts';
import { person } from '../testing/person.ts';
import { setLogger } from '../util/logger.ts';

let server: FakeSignalingServer;
let media: FakeMediaHandler;

beforeEach(async () => {
  setLogger({ debug() {}, info() {}, warn() {}, error() {} });
  server = await FakeSignalingServer.start();
  media = new FakeMediaHandler();
  server
    .on('join', () => ({
      result: { sessionId: 's1', kind: 'group', self: person('alice'), participants: [person('bob')], recording: false, resumeToken: 'resume-secret-0123456789' },
    }))
    .on('publish', () => ({ result: { jsep: { type: 'answer', sdp: 'janus-answer' } } }))
    .on('quality.sample', () => ({ result: { stored: true } }));
});
afterEach(async () => {
  vi.useRealTimers();
  await server.close();
  setLogger(undefined);
});

/** The time in the publisher's stats, ms: the test moves it with the timers. */
const clock = { ms: 1_000 };

/** A publisher that has sent 40 kbit/s of audio by `clock.ms`. */
function sending(pc: FakePeerConnection): void {
  pc.getStats = async () => {
    const t = clock.ms;
    return new Map([['o', { type: 'outbound-rtp', id: 'o', kind: 'audio', timestamp: t, bytesSent: t * 5, packetsSent: t / 20 }]]) as unknown as RTCStatsReport;
  };
}

describe("a session's network quality", () => {
  it('sends a sample of both connections every 5 s and reports its own quality, and hears the others\' from the server', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const session = new CallSession({ serverUrl: server.url, token: 'jwt', sessionId: 's1', settings: new CallSettingsBuilder().build(), media, WebSocket: WebSocket as unknown as WebSocketConstructor });
    const heard: Array<{ uid: string; quality: NetworkQuality }> = [];
    session.on('onNetworkQualityChanged', (info) => heard.push(info));
    // The second connection made is the publisher: it sends from the start.
    const create = media.createPeerConnection.bind(media);
    media.createPeerConnection = (config?: RTCConfiguration) => {
      const pc = create(config);
      if (media.peerConnections.length === 2) sending(pc as unknown as FakePeerConnection);
      return pc;
    };
    await session.start();

    clock.ms = 6_000;
    await vi.advanceTimersByTimeAsync(5_000);
    await vi.waitFor(() => expect(server.received('quality.sample')).toHaveLength(1));
    const sample = server.received('quality.sample')[0]?.params as QualitySample;
    expect(sample).toMatchObject({ sessionId: 's1', quality: 5, intervalMs: 5_000 });
    expect(sample.connections).toEqual([
      expect.objectContaining({ connection: 'publisher', bitrateOutKbps: 40 }),
      expect.objectContaining({ connection: 'subscriber', bitrateOutKbps: 0 }),
    ]);

    server.push('participant.quality', { uid: 'bob', quality: 2 });
    server.push('participant.quality', { uid: 'alice', quality: 1 }); // about us: our own measure wins
    await vi.waitFor(() => expect(heard).toHaveLength(2));
    expect(heard).toEqual([
      { uid: 'alice', quality: 5 },
      { uid: 'bob', quality: 2 },
    ]);

    await session.endSession();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.received('quality.sample')).toHaveLength(1);
  });
});
