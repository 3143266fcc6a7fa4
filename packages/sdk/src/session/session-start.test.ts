/** Starting a session (session-start.ts): devices, socket, join and publisher, in their order, and a start that fails or is ended. */
import { ParleyError } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { DEFAULTS } from '../defaults.ts';
import { fakeSdp } from '../testing/fake-media.ts';
import { person } from '../testing/person.ts';
import { rejection } from '../testing/rejection.ts';
import { makeSession, media, publisherPc, server, sessionWith, subscriberPc, until, useSessionFixture } from '../testing/session-fixture.ts';
import type { CallSession } from './call-session.ts';
import type { WebSocketConstructor } from './signaling-client.ts';

useSessionFixture();

/** Runs `test` with the waits for our first answer and first frame bounded by `ms` instead (DEFAULTS.receiveFirstMaxMs). */
async function withReceiveFirstMaxMs(ms: number, test: () => Promise<void>): Promise<void> {
  const defaults = DEFAULTS as { receiveFirstMaxMs: number };
  const bound = defaults.receiveFirstMaxMs;
  defaults.receiveFirstMaxMs = ms;
  try {
    await test();
  } finally {
    defaults.receiveFirstMaxMs = bound;
  }
}

/** Starts `session`, the server offering bob's camera after the join; resolves once our answer is in, its start still under way. */
async function answeredBobsCamera(session: CallSession): Promise<{ starting: Promise<void> }> {
  const starting = session.start();
  await vi.waitFor(() => expect(server.received('join')).toHaveLength(1));
  server.push('subscriber.offer', {
    jsep: { type: 'offer', sdp: fakeSdp([{ mid: 'v0', kind: 'video' }]) },
    streams: [{ mid: 'v0', uid: 'bob', source: 'camera', kind: 'video', active: true }],
  });
  await vi.waitFor(() => expect(server.received('subscriber.answer')).toHaveLength(1));
  return { starting };
}

/** A few rounds of the join's timing reading the receiving connection's stats. */
const someStatsRounds = () => new Promise((resolve) => setTimeout(resolve, 5 * DEFAULTS.joinTiming.pollMs));

describe('starting a video session', () => {
  it('joins, opens camera and microphone, publishes and trickles', async () => {
    const session = makeSession();
    const states: string[] = [];
    session.on('stateChanged', (s) => states.push(s));
    await session.start();

    expect(media.gumCalls[0]).toMatchObject({ audio: expect.any(Object), video: expect.any(Object) });
    expect(server.requests.map((r) => r.type).slice(0, 2)).toEqual(['join', 'publish']);
    expect(server.received('join')[0]?.params).toEqual({
      token: 'jwt', sessionId: 's1', audioOnly: false, audioMuted: false, videoMuted: false, idleTimeoutSeconds: 180,
    });
    expect(server.received('publish')[0]?.params).toEqual({ jsep: { type: 'offer', sdp: fakeSdp([{ mid: '0', kind: 'audio' }, { mid: '1', kind: 'video' }]) } });
    expect(publisherPc().transceivers.map((t) => t.direction)).toEqual(['sendonly', 'sendonly']);
    expect(publisherPc().remoteDescription).toEqual({ type: 'answer', sdp: 'janus-answer' });
    expect(states).toEqual(['connecting', 'joined']);
    expect(session.state).toBe('joined');
    expect(session.sessionId).toBe('s1');
    expect(session.getParticipants().map((u) => [u.uid, u.isLocalUser])).toEqual([['alice', true], ['bob', false]]);

    // Our candidates go out only after Janus answered, with null at the end.
    await until(() => server.received('trickle').length === 2);
    expect(server.received('trickle').map((r) => r.params)).toEqual([
      { target: 'publisher', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } },
      { target: 'publisher', candidate: null },
    ]);
    await session.endSession();
  });

  it('an audio-only session never asks for the camera and publishes audio only', async () => {
    const session = makeSession((b) => b.setIsAudioOnly(true));
    await session.start();
    expect(media.gumCalls).toEqual([expect.objectContaining({ video: false })]);
    expect(publisherPc().transceivers.map((t) => t.receiver.track.kind)).toEqual(['audio']);
    expect(server.received('join')[0]?.params).toMatchObject({ audioOnly: true, videoMuted: true });
    expect((await rejection(session.videoPaused(false))).code).toBe('INVALID_STATE');
    expect((await rejection(session.switchCamera())).code).toBe('INVALID_STATE');
    await session.endSession();
  });

  it('an audio-only session opens the microphone and publishes once our first audio packet is in', async () => {
    // Bounded at a minute, the wait for that packet is over only when it comes.
    await withReceiveFirstMaxMs(60_000, async () => {
      const session = makeSession((b) => b.setIsAudioOnly(true));
      const starting = session.start();
      await vi.waitFor(() => expect(server.received('join')).toHaveLength(1));
      server.push('subscriber.offer', {
        jsep: { type: 'offer', sdp: fakeSdp([{ mid: 'a0', kind: 'audio' }]) },
        streams: [{ mid: 'a0', uid: 'bob', source: 'microphone', kind: 'audio', active: true }],
      });
      await vi.waitFor(() => expect(server.received('subscriber.answer')).toHaveLength(1));
      subscriberPc().setConnectionState('connected');
      await someStatsRounds();
      expect(media.gumCalls).toEqual([]);
      subscriberPc().stats.set('in-a0', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 1 });
      await starting;
      expect(media.gumCalls).toEqual([expect.objectContaining({ video: false })]);
      const requests = server.requests.map((r) => r.type).filter((t) => t !== 'trickle' && t !== 'metrics.joinTiming');
      expect(requests).toEqual(['join', 'subscriber.answer', 'publish']);
      await session.endSession();
    });
  });

  it('our devices, own tile and publisher wait for our answer and first candidate for the subscriber to be out, and the streams are reported after them', async () => {
    // What the client has sent, in order, as it sends it (the server reads it a little later).
    const sent: string[] = [];
    class RecordingSocket extends WebSocket {
      override send(data: string): void {
        const frame = JSON.parse(data) as { type: string; params?: { target?: string } };
        sent.push(frame.type === 'trickle' ? `trickle ${frame.params?.target}` : frame.type);
        super.send(data);
      }
    }
    const session = sessionWith({ WebSocket: RecordingSocket as unknown as WebSocketConstructor });
    session.on('remoteStreamChanged', (uid) => sent.push(`${uid}'s stream reported`));
    session.on('localStreamChanged', () => sent.push('our stream reported'));
    session.on('stateChanged', (state) => {
      if (state === 'joined') sent.push('joined');
    });
    const starting = session.start();
    await vi.waitFor(() => expect(server.received('join')).toHaveLength(1));
    server.push('subscriber.offer', {
      jsep: { type: 'offer', sdp: fakeSdp([{ mid: 'v0', kind: 'video' }]) },
      streams: [{ mid: 'v0', uid: 'bob', source: 'camera', kind: 'video', active: true }],
    });
    await starting;
    const first = (what: string) => sent.indexOf(what);
    expect(sent.slice(0, 3)).toEqual(['join', 'subscriber.answer', 'trickle subscriber']);
    expect(first("bob's stream reported")).toBeGreaterThan(first('trickle subscriber'));
    expect(first('publish')).toBeGreaterThan(first('trickle subscriber'));
    // Our own tile is drawn after them too: drawing it held the answer back.
    expect(first('our stream reported')).toBeGreaterThan(first('trickle subscriber'));
    expect(first('joined')).toBeGreaterThan(first('trickle subscriber'));
    await session.endSession();
  });

  it('opens our camera and microphone, and then publishes, once our first remote frame is decoded: sending starts after receiving did', async () => {
    // No frame, no devices: the wait's bound is a later test's.
    await withReceiveFirstMaxMs(60_000, async () => {
      const session = makeSession();
      const { starting } = await answeredBobsCamera(session);
      subscriberPc().setConnectionState('connected');
      // The subscriber's stats read again and again, no frame in them: no devices, not joined, no publish.
      await someStatsRounds();
      expect(media.gumCalls).toEqual([]);
      expect(session.state).toBe('connecting');
      expect(server.received('publish')).toHaveLength(0);
      subscriberPc().stats.set('in-v0', { type: 'inbound-rtp', kind: 'video', framesDecoded: 1 });
      await starting;
      expect(media.gumCalls).toEqual([expect.objectContaining({ video: expect.anything() })]);
      expect(session.state).toBe('joined');
      expect(server.received('publish')).toHaveLength(1);
      await session.endSession();
    });
  });

  it("reads the receiving connection's stats for our first remote frame only once that connection is connected", async () => {
    await withReceiveFirstMaxMs(60_000, async () => {
      const session = makeSession();
      const { starting } = await answeredBobsCamera(session);
      let reads = 0;
      const pc = subscriberPc();
      const getStats = pc.getStats.bind(pc);
      pc.getStats = () => {
        reads++;
        return getStats();
      };
      pc.stats.set('in-v0', { type: 'inbound-rtp', kind: 'video', framesDecoded: 1 });
      pc.setConnectionState('connecting');
      await someStatsRounds();
      expect(reads).toBe(0);
      expect(media.gumCalls).toEqual([]);
      pc.setConnectionState('connected');
      await starting;
      expect(reads).toBeGreaterThan(0);
      expect(server.received('publish')).toHaveLength(1);
      await session.endSession();
    });
  });

  it('our devices and publisher wait a little at most for a first remote frame that does not come', async () => {
    const session = makeSession();
    const { starting } = await answeredBobsCamera(session);
    subscriberPc().setConnectionState('connected');
    const answeredAt = performance.now();
    await starting; // bob's camera sends nothing: no frame is ever decoded
    expect(media.gumCalls).toHaveLength(1);
    expect(server.received('publish')).toHaveLength(1);
    expect(performance.now() - answeredAt).toBeLessThan(DEFAULTS.receiveFirstMaxMs + 1_000);
    await session.endSession();
  });

  it('alone in the call, asks for the devices as soon as the join is answered: there is nothing to receive first', async () => {
    server.on('join', () => ({
      result: { sessionId: 's1', kind: 'group', self: person('alice'), participants: [], recording: false, resumeToken: 'resume-secret-0123456789' },
    }));
    const session = makeSession();
    const starting = session.start();
    await vi.waitFor(() => expect(media.gumCalls).toHaveLength(1), { timeout: DEFAULTS.receiveFirstMaxMs / 2 });
    await starting;
    expect(session.state).toBe('joined');
    await session.endSession();
  });

  it('a server that cannot be reached fails the start without asking for the devices: no camera light for a call that never was', async () => {
    const session = makeSession(undefined, { serverUrl: 'http://127.0.0.1:9' });
    expect((await rejection(session.start())).code).toBe('NETWORK_ERROR');
    expect(media.gumCalls).toHaveLength(0);
    expect(session.state).toBe('ended');
  });

  it('applies start-muted settings before publishing: mic disabled, camera never opened', async () => {
    const session = makeSession((b) => b.setStartAudioMuted(true).setStartVideoMuted(true));
    await session.start();
    expect(media.gumCalls[0]).toMatchObject({ video: false });
    const audio = session.getLocalStream()?.getAudioTracks()[0];
    expect(audio?.enabled).toBe(false);
    expect(server.received('join')[0]?.params).toMatchObject({ audioMuted: true, videoMuted: true });
    // A video line with no track yet, so resuming needs no renegotiation.
    expect(publisherPc().transceivers.map((t) => [t.receiver.track.kind, t.sender.track])).toEqual([['audio', audio], ['video', null]]);
    await session.endSession();
  });

  it('a device error rejects with DEVICE_ERROR; the join made before is left again, nothing published', async () => {
    media.failWith = new ParleyError('DEVICE_ERROR', 'NotAllowedError');
    const session = makeSession();
    expect((await rejection(session.start())).code).toBe('DEVICE_ERROR');
    // The devices open after the join: it went through, so we leave rather than linger.
    expect(server.received('join')).toHaveLength(1);
    expect(server.received('leave')).toHaveLength(1);
    expect(server.received('publish')).toHaveLength(0);
    expect(session.state).toBe('ended');
  });

  it('is still connecting while the devices open after the join, and joined once they are open', async () => {
    let releaseDevices: () => void = () => {};
    media.openGate = new Promise<void>((resolve) => {
      releaseDevices = resolve;
    });
    const session = makeSession();
    const starting = session.start();
    await vi.waitFor(() => expect(media.gumCalls).toHaveLength(1));
    expect(server.received('join')).toHaveLength(1);
    expect(session.state).toBe('connecting');
    expect(server.received('publish')).toHaveLength(0);
    releaseDevices();
    await starting;
    expect(session.state).toBe('joined');
    expect(server.received('publish')).toHaveLength(1);
  });

  it('ended while the camera is still opening: start rejects, and the camera and microphone are released once open', async () => {
    let releaseDevices: () => void = () => {};
    media.openGate = new Promise<void>((resolve) => {
      releaseDevices = resolve;
    });
    const session = makeSession();
    const starting = rejection(session.start());
    await vi.waitFor(() => expect(media.gumCalls).toHaveLength(1));
    await session.endSession();
    releaseDevices();
    expect((await starting).code).toBe('INVALID_STATE');
    expect(media.openedTracks.length).toBeGreaterThan(0);
    expect(media.openedTracks.every((t) => t.readyState === 'ended')).toBe(true);
    expect(session.state).toBe('ended');
  });

  it('a refused join rejects with the server code and never asks for the devices', async () => {
    server.on('join', () => ({ error: { code: 'CALL_TOKEN_WRONG_SESSION', message: 'another session' } }));
    const session = makeSession();
    expect((await rejection(session.start())).code).toBe('CALL_TOKEN_WRONG_SESSION');
    expect(media.gumCalls).toHaveLength(0);
    expect(session.state).toBe('ended');
    expect(server.received('publish')).toHaveLength(0);
  });
});
