/**
 * Live calls through the real stack: the SDK's public API in Chromium, the
 * server, Janus. Media "works" only when getStats() shows it arriving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, events, openCallPage, type Stack, startCall, startStack, stats } from './harness.ts';

let stack: Stack;
const pages: CallPage[] = [];

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function join(uid: string, sessionId: string, settings: Parameters<typeof startCall>[2] = {}): Promise<CallPage> {
  const call = await openCallPage(stack, uid);
  pages.push(call);
  await startCall(call, sessionId, settings);
  return call;
}

async function leave(call: CallPage): Promise<void> {
  await call.page.evaluate(() => (window as any).session.endSession());
  await call.context.close();
}

const framesFrom = (call: CallPage, streams: number) =>
  eventually(
    () => stats(call),
    (s) => s.inboundVideoStreams >= streams && s.audioPacketsReceived > 0,
    20_000,
    `${call.uid} decoding ${streams} video stream(s)`,
  );

describe('a group video call', () => {
  it('carries video both ways, then to a third person, and tells everyone of a leave', async () => {
    const alice = await join('alice', 'group-1');
    const bob = await join('bob', 'group-1');
    const a1 = await framesFrom(alice, 1);
    const b1 = await framesFrom(bob, 1);
    // Frames keep coming: decode counts rise between two reads.
    const a2 = await eventually(() => stats(alice), (s) => s.videoFramesDecoded > a1.videoFramesDecoded + 10);
    expect(a2.audioPacketsReceived).toBeGreaterThan(a1.audioPacketsReceived);
    expect(b1.videoFramesDecoded).toBeGreaterThan(0);
    expect((await events(alice, 'onUserJoined')).map((e) => e.payload.uid)).toEqual(['bob']);

    const carol = await join('carol', 'group-1');
    await framesFrom(carol, 2);
    await framesFrom(alice, 2);
    await framesFrom(bob, 2);
    const lists = await events(alice, 'onUserListChanged');
    expect(lists.at(-1)?.payload.map((u: { uid: string }) => u.uid).sort()).toEqual(['alice', 'bob', 'carol']);

    await leave(bob);
    await eventually(() => events(alice, 'onUserLeft'), (e) => e.length === 1, 10_000, 'onUserLeft');
    expect((await events(carol, 'onUserLeft'))[0]?.payload.uid).toBe('bob');
    const after = await eventually(() => events(alice, 'onUserListChanged'), (l) => l.at(-1)?.payload.length === 2);
    expect(after.at(-1)?.payload.map((u: { uid: string }) => u.uid).sort()).toEqual(['alice', 'carol']);
    // The remaining two still see each other.
    const c = await stats(carol);
    await eventually(() => stats(carol), (s) => s.videoFramesDecoded > c.videoFramesDecoded + 10);
    await leave(alice);
    await leave(carol);
  });
});

describe('an audio-only call', () => {
  it('never asks for the camera and sends no video, while audio flows', async () => {
    const dora = await openCallPage(stack, 'dora');
    const emil = await openCallPage(stack, 'emil');
    for (const p of [dora, emil]) {
      await p.page.evaluate(() => {
        const w = window as any;
        w.constraintsAsked = [];
        const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = (c?: MediaStreamConstraints) => {
          w.constraintsAsked.push(JSON.parse(JSON.stringify(c ?? {})));
          return original(c);
        };
      });
      await startCall(p, 'audio-1', { audioOnly: true });
    }
    await eventually(() => stats(emil), (s) => s.audioPacketsReceived > 20, 15_000, 'audio at emil');
    await eventually(() => stats(dora), (s) => s.audioPacketsReceived > 20, 15_000, 'audio at dora');
    for (const p of [dora, emil]) {
      const asked = await p.page.evaluate(() => (window as any).constraintsAsked);
      expect(asked.length).toBeGreaterThan(0);
      for (const c of asked) expect(c.video ?? false).toBe(false);
      const s = await stats(p);
      expect(s.outboundVideoTracks).toBe(0);
      expect(s.outboundVideoBytes).toBe(0);
      expect(s.videoFramesDecoded).toBe(0);
    }
    await leave(dora);
    await leave(emil);
  });
});

describe('muting', () => {
  /** Bytes per second sent over about 1.5 s, by the page's own clock: a loaded machine stretches the wait, not the rate. */
  const rate = async (call: CallPage, key: 'outboundAudioBytes' | 'outboundVideoBytes') => {
    const first = await stats(call);
    await new Promise((r) => setTimeout(r, 1500));
    const second = await stats(call);
    return ((second[key] - first[key]) * 1000) / (second.readAt - first.readAt);
  };

  it('audioMuted and videoPaused stop sending and tell the other side', async () => {
    const finn = await join('finn', 'mute-1');
    const gus = await join('gus', 'mute-1');
    await framesFrom(gus, 1);
    const audioBefore = await rate(finn, 'outboundAudioBytes');
    expect(audioBefore).toBeGreaterThan(1000);

    await finn.page.evaluate(() => (window as any).session.audioMuted(true));
    const muted = await eventually(() => events(gus, 'onUserMuted'), (e) => e.length === 1);
    expect(muted[0]?.payload).toMatchObject({ muted: { uid: 'finn' }, isAudioMuted: true, isVideoMuted: false, mutedBy: 'finn' });
    const senderTrackEnabled = await finn.page.evaluate(() => {
      const { publisher } = (window as any).session.getPeerConnections();
      const sender = publisher.getSenders().find((s: RTCRtpSender) => s.track?.kind === 'audio' || s.track === null);
      return sender?.track ? sender.track.enabled : false;
    });
    expect(senderTrackEnabled).toBe(false);
    // On a busy machine the encoder can still be sending what it captured before the mute: the rate must fall soon, not at once.
    await eventually(() => rate(finn, 'outboundAudioBytes'), (muted) => muted < audioBefore / 2, 10_000, 'the muted audio rate to fall below half');

    await finn.page.evaluate(() => (window as any).session.audioMuted(false));
    await eventually(() => events(gus, 'onUserMuted'), (e) => e.length === 2 && e[1]?.payload.isAudioMuted === false);
    await eventually(() => rate(finn, 'outboundAudioBytes'), (unmuted) => unmuted > audioBefore / 2, 10_000, 'the audio rate to come back');

    const videoBefore = await rate(finn, 'outboundVideoBytes');
    expect(videoBefore).toBeGreaterThan(5000);
    await finn.page.evaluate(() => (window as any).session.videoPaused(true));
    await eventually(() => events(gus, 'onUserMuted'), (e) => e.at(-1)?.payload.isVideoMuted === true);
    await eventually(() => rate(finn, 'outboundVideoBytes'), (paused) => paused < videoBefore / 10, 10_000, 'the paused video rate to fall below a tenth');

    await finn.page.evaluate(() => (window as any).session.videoPaused(false));
    await eventually(() => events(gus, 'onUserMuted'), (e) => e.at(-1)?.payload.isVideoMuted === false);
    const resumed = await stats(gus);
    await eventually(() => stats(gus), (s) => s.videoFramesDecoded > resumed.videoFramesDecoded + 10, 15_000, 'video after resume');
    await leave(finn);
    await leave(gus);
  });
});

describe('a direct call', () => {
  it('ends for both when one side ends the session', async () => {
    const hana = await join('hana', 'direct-1', { type: 'direct' });
    const ivan = await join('ivan', 'direct-1', { type: 'direct' });
    await framesFrom(ivan, 1);
    await hana.page.evaluate(() => (window as any).session.endSession());
    await eventually(() => events(ivan, 'onCallEnded'), (e) => e.length === 1, 10_000, 'onCallEnded at ivan');
    for (const p of [hana, ivan]) {
      const states = await p.page.evaluate(() => {
        const { publisher, subscriber } = (window as any).session.getPeerConnections();
        return [publisher?.connectionState ?? 'closed', subscriber?.connectionState ?? 'closed', (window as any).session.state];
      });
      expect(states).toEqual(['closed', 'closed', 'ended']);
    }
    await hana.context.close();
    await ivan.context.close();
  });
});

describe('tokens in the browser', () => {
  it('a token for session A cannot join session B', async () => {
    const jo = await openCallPage(stack, 'jo');
    const code = await jo.page.evaluate(async (authToken) => {
      const { ParleyCalls, CallSettingsBuilder } = (window as any).Parley;
      const token = await ParleyCalls.generateToken(authToken, 'session-a');
      const el = document.createElement('div');
      document.body.append(el);
      try {
        await ParleyCalls.startSession({ ...token, sessionId: 'session-b' }, new CallSettingsBuilder().setDefaultLayout(false).build(), el);
        return 'joined';
      } catch (e) {
        return (e as { code: string }).code;
      }
    }, jo.authToken);
    expect(code).toBe('CALL_TOKEN_WRONG_SESSION');
    await jo.context.close();
  });
});
