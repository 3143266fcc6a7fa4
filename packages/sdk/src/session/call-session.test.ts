import { ParleyError } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { CallSettingsBuilder } from '../api/call-settings.ts';
import type { CallsEventsDelegate, RTCMutedUser, RTCUser } from '../api/events.ts';
import { FakeMediaHandler, type FakePeerConnection, type FakeStream, type FakeTrack, fakeSdp } from '../testing/fake-media.ts';
import { FakeSignalingServer } from '../testing/fake-signaling-server.ts';
import { person } from '../testing/person.ts';
import { setLogger } from '../util/logger.ts';
import { CallSession, type CallSessionOptions } from './call-session.ts';
import type { ReconnectContext, ReconnectPolicy } from './reconnect-policy.ts';
import type { SessionView } from './session-view.ts';
import type { WebSocketConstructor } from './signaling-client.ts';
import { rejection } from '../testing/rejection.ts';

const WS = WebSocket as unknown as WebSocketConstructor;

const logged = { error: [] as unknown[][] };
let server: FakeSignalingServer;
let media: FakeMediaHandler;

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

function makeSession(build: (b: CallSettingsBuilder) => CallSettingsBuilder = (b) => b, more: Partial<CallSessionOptions> = {}): CallSession {
  return new CallSession({ serverUrl: server.url, token: 'jwt', sessionId: 's1', settings: build(new CallSettingsBuilder()).build(), media, WebSocket: WS, ...more });
}

/** A session with default settings and these options (a view, a reconnect policy). */
const sessionWith = (more: Partial<CallSessionOptions>): CallSession => makeSession(undefined, more);

const publisherPc = (): FakePeerConnection => media.peerConnections[1] as FakePeerConnection;
const subscriberPc = (): FakePeerConnection => media.peerConnections[0] as FakePeerConnection;
const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 2_000, interval: 5 });


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

  it('an audio-only session opens the microphone once our answer to the first subscriber offer is out', async () => {
    const session = makeSession((b) => b.setIsAudioOnly(true));
    const starting = session.start();
    await vi.waitFor(() => expect(server.received('join')).toHaveLength(1));
    expect(media.gumCalls).toEqual([]);
    server.push('subscriber.offer', {
      jsep: { type: 'offer', sdp: fakeSdp([{ mid: 'a0', kind: 'audio' }]) },
      streams: [{ mid: 'a0', uid: 'bob', source: 'microphone', kind: 'audio', active: true }],
    });
    await starting;
    expect(media.gumCalls).toEqual([expect.objectContaining({ video: false })]);
    expect(server.requests.map((r) => r.type).filter((t) => t !== 'trickle')).toEqual(['join', 'subscriber.answer', 'publish']);
    await session.endSession();
  });

  it('our publisher negotiates once our answer and first candidate for the subscriber are out, and the streams are reported after them', async () => {
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

  it('asks for camera and microphone once the join is out: asking holds the page', async () => {
    let askedBeforeJoin: number | undefined;
    class RecordingSocket extends WebSocket {
      override send(data: string): void {
        if ((JSON.parse(data) as { type: string }).type === 'join') askedBeforeJoin = media.gumCalls.length;
        super.send(data);
      }
    }
    const session = sessionWith({ WebSocket: RecordingSocket as unknown as WebSocketConstructor });
    await session.start();
    expect(askedBeforeJoin).toBe(0);
    expect(media.gumCalls).toHaveLength(1);
    await session.endSession();
  });

  it('asks for the devices even when the server cannot be reached, so a refused camera is the error reported', async () => {
    media.failWith = new ParleyError('DEVICE_ERROR', 'NotAllowedError');
    const session = makeSession(undefined, { serverUrl: 'http://127.0.0.1:9' });
    expect((await rejection(session.start())).code).toBe('DEVICE_ERROR');
    expect(media.gumCalls).toHaveLength(1);
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

  it('a device error rejects with DEVICE_ERROR; the join made meanwhile is left again, nothing published', async () => {
    media.failWith = new ParleyError('DEVICE_ERROR', 'NotAllowedError');
    const session = makeSession();
    expect((await rejection(session.start())).code).toBe('DEVICE_ERROR');
    // Devices and the join start together: the join went through, so we leave rather than linger.
    expect(server.received('join')).toHaveLength(1);
    expect(server.received('leave')).toHaveLength(1);
    expect(server.received('publish')).toHaveLength(0);
    expect(session.state).toBe('ended');
  });

  it('opens the socket and joins while the devices are still opening', async () => {
    let releaseDevices: () => void = () => {};
    media.openGate = new Promise<void>((resolve) => {
      releaseDevices = resolve;
    });
    const session = makeSession();
    const starting = session.start();
    await vi.waitFor(() => expect(server.received('join')).toHaveLength(1));
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

  it('a refused join rejects with the server code and releases the devices', async () => {
    server.on('join', () => ({ error: { code: 'CALL_TOKEN_WRONG_SESSION', message: 'another session' } }));
    const session = makeSession();
    expect((await rejection(session.start())).code).toBe('CALL_TOKEN_WRONG_SESSION');
    expect(media.openedTracks.every((t) => t.readyState === 'ended')).toBe(true);
    expect(session.state).toBe('ended');
    expect(server.received('publish')).toHaveLength(0);
  });
});

describe('while in a call', () => {
  let session: CallSession;
  const events: Record<string, unknown[]> = {};
  const record = (name: string) => (arg?: unknown) => {
    events[name] ??= [];
    events[name]?.push(arg);
  };

  beforeEach(async () => {
    for (const k of Object.keys(events)) delete events[k];
    const delegate: CallsEventsDelegate = {
      onUserJoined: record('onUserJoined'),
      onUserLeft: record('onUserLeft'),
      onUserListChanged: record('onUserListChanged'),
      onUserMuted: record('onUserMuted'),
      onCallEnded: record('onCallEnded'),
      onSessionTimeout: record('onSessionTimeout'),
      onError: record('onError'),
      onAudioModeChanged: record('onAudioModeChanged'),
      onActiveSpeakerChanged: record('onActiveSpeakerChanged'),
    };
    session = makeSession((b) => b.setDelegate(delegate));
    await session.start();
  });
  afterEach(() => session.endSession());

  it('reports joins, leaves, list changes and mutes with the seed payloads', async () => {
    const joined = new Promise<RTCUser>((resolve) => session.on('onUserJoined', resolve));
    server.push('participant.joined', { participant: person('carol') });
    expect(await joined).toEqual({ ...person('carol'), isLocalUser: false });

    const list = new Promise<RTCUser[]>((resolve) => session.on('onUserListChanged', resolve));
    server.push('participants.changed', { participants: [person('alice'), person('bob'), person('carol')] });
    expect((await list).map((u) => [u.uid, u.isLocalUser])).toEqual([['alice', true], ['bob', false], ['carol', false]]);

    const muted = new Promise<RTCMutedUser>((resolve) => session.on('onUserMuted', resolve));
    server.push('participant.muted', { participant: person('bob', { isAudioMuted: true }), mutedBy: 'bob' });
    expect(await muted).toEqual({ muted: { ...person('bob', { isAudioMuted: true }), isLocalUser: false }, mutedBy: 'bob', isAudioMuted: true, isVideoMuted: false });

    const left = new Promise<RTCUser>((resolve) => session.on('onUserLeft', resolve));
    server.push('participant.left', { participant: person('carol'), reason: 'left' });
    expect((await left).uid).toBe('carol');
    expect(session.getParticipants().map((u) => u.uid)).toEqual(['alice', 'bob']);
    // The delegate saw the same events.
    expect(events.onUserJoined).toHaveLength(1);
    expect(events.onUserLeft).toHaveLength(1);
    expect(events.onUserListChanged).toHaveLength(1);
    expect(events.onUserMuted).toHaveLength(1);
  });

  it('reports who speaks as the server hears it (session.activeSpeaker), to listeners and the delegate', async () => {
    const heard: Array<string | null> = [];
    session.on('onActiveSpeakerChanged', (user) => heard.push(user?.uid ?? null));
    server.push('session.activeSpeaker', { uid: 'bob' });
    await until(() => heard.length === 1);
    expect(session.activeSpeaker).toEqual({ ...person('bob'), isLocalUser: false });
    server.push('session.activeSpeaker', { uid: 'bob' });
    server.push('session.activeSpeaker', { uid: null });
    await until(() => heard.length === 2);
    expect(heard).toEqual(['bob', null]);
    expect(events.onActiveSpeakerChanged).toEqual([{ ...person('bob'), isLocalUser: false }, null]);
    expect(session.activeSpeaker).toBeNull();
  });

  it('while reconnecting, drops news of who is in the call and learns it from the resume instead', async () => {
    let answerResume: (() => void) | undefined;
    server.on(
      'resume',
      () =>
        new Promise((resolve) => {
          answerResume = () =>
            resolve({ result: { sessionId: 's1', kind: 'group', self: person('alice'), participants: [person('bob'), person('carol')], recording: true, resumeToken: 'resume-secret-0123456789' } });
        }),
    );
    const back = new Promise<void>((resolve) => session.on('onReconnected', resolve));
    server.dropAll();
    await server.next('resume');
    expect(session.state).toBe('reconnecting');
    server.push('participant.joined', { participant: person('carol') });
    server.push('participant.muted', { participant: person('bob', { isAudioMuted: true }), mutedBy: 'bob' });
    await new Promise((r) => setTimeout(r, 50));
    answerResume?.();
    await back;
    expect((events.onUserJoined as RTCUser[]).map((u) => u.uid)).toEqual(['carol']);
    expect(events.onUserMuted).toBeUndefined();
    expect(session.isRecording).toBe(true);
  });

  it('answers subscriber offers in order and keeps one stream per remote participant', async () => {
    server.push('subscriber.offer', {
      jsep: { type: 'offer', sdp: fakeSdp([{ mid: 'a0', kind: 'audio' }, { mid: 'v0', kind: 'video' }]) },
      streams: [
        { mid: 'a0', uid: 'bob', source: 'microphone', kind: 'audio', active: true },
        { mid: 'v0', uid: 'bob', source: 'camera', kind: 'video', active: true },
      ],
    });
    server.push('trickle', { target: 'subscriber', candidate: { candidate: 'candidate:2 1 udp 1 127.0.0.1 10 typ host', sdpMid: 'a0' } });
    server.push('participant.joined', { participant: person('carol') });
    server.push('subscriber.offer', {
      jsep: { type: 'offer', sdp: fakeSdp([{ mid: 'a0', kind: 'audio' }, { mid: 'v0', kind: 'video' }, { mid: 'a1', kind: 'audio' }]) },
      streams: [
        { mid: 'a0', uid: 'bob', source: 'microphone', kind: 'audio', active: true },
        { mid: 'v0', uid: 'bob', source: 'camera', kind: 'video', active: false },
        { mid: 'a1', uid: 'carol', source: 'microphone', kind: 'audio', active: true },
      ],
    });
    await until(() => server.received('subscriber.answer').length === 2);
    expect(server.received('subscriber.answer')[0]?.params).toMatchObject({ jsep: { type: 'answer' } });
    const bob = session.getRemoteStream('bob') as unknown as FakeStream;
    expect(bob.getTracks().map((t) => t.kind)).toEqual(['audio']);
    expect(session.getRemoteStream('carol')?.getTracks().map((t) => t.kind)).toEqual(['audio']);
    expect(session.uidForMid('a1')).toBe('carol');
    expect(subscriberPc().remoteCandidates).toHaveLength(1);

    const gone = new Promise<[string, MediaStream | null]>((resolve) =>
      session.on('remoteStreamChanged', (uid, stream) => {
        if (!stream) resolve([uid, stream]);
      }),
    );
    server.push('subscriber.offer', {
      jsep: { type: 'offer', sdp: fakeSdp([{ mid: 'a0', kind: 'audio' }, { mid: 'v0', kind: 'video' }, { mid: 'a1', kind: 'audio' }]) },
      streams: [
        { mid: 'a0', uid: 'bob', source: 'microphone', kind: 'audio', active: true },
        { mid: 'a1', uid: 'carol', source: 'microphone', kind: 'audio', active: false },
      ],
    });
    expect(await gone).toEqual(['carol', null]);
    expect(session.getRemoteStream('carol')).toBeUndefined();
  });

  it('gives each remote publication a stream of its own (onRemoteStream / onRemoteStreamRemoved) beside the combined one', async () => {
    const heard: string[] = [];
    const byPublication = new Map<string, FakeStream>();
    session.on('onRemoteStream', ({ uid, source, stream }) => {
      heard.push(`+${uid}/${source}`);
      byPublication.set(`${uid}/${source}`, stream as unknown as FakeStream);
    });
    session.on('onRemoteStreamRemoved', ({ uid, source }) => heard.push(`-${uid}/${source}`));
    const offer = (streams: Array<[mid: string, uid: string, source: 'camera' | 'microphone', active: boolean]>) =>
      server.push('subscriber.offer', {
        jsep: { type: 'offer', sdp: fakeSdp(streams.map(([mid, , source]) => ({ mid, kind: source === 'camera' ? 'video' : 'audio' }))) },
        streams: streams.map(([mid, uid, source, active]) => ({ mid, uid, source, kind: source === 'camera' ? 'video' : 'audio', active })),
      });

    offer([['a0', 'bob', 'microphone', true], ['v0', 'bob', 'camera', true]]);
    await until(() => heard.length === 2);
    expect(heard.sort()).toEqual(['+bob/camera', '+bob/microphone']);
    expect(byPublication.get('bob/microphone')?.getTracks().map((t) => t.kind)).toEqual(['audio']);
    expect(byPublication.get('bob/camera')?.getTracks().map((t) => t.kind)).toEqual(['video']);
    expect(session.getRemoteStream('bob')?.getTracks().map((t) => t.kind)).toEqual(['audio', 'video']);

    // Bob's camera goes; carol's microphone comes. Bob's microphone is not told of again.
    heard.length = 0;
    server.push('participant.joined', { participant: person('carol') });
    offer([['a0', 'bob', 'microphone', true], ['v0', 'bob', 'camera', false], ['a1', 'carol', 'microphone', true]]);
    await until(() => heard.length === 2);
    expect(heard.sort()).toEqual(['+carol/microphone', '-bob/camera']);
    expect(session.getRemoteStream('bob')?.getTracks().map((t) => t.kind)).toEqual(['audio']);
    expect(byPublication.get('bob/camera')?.getTracks()).toEqual([]);
  });

  it('queues remote candidates until the remote description is set', async () => {
    expect(session.getPeerConnections().publisher).toBe(publisherPc());
    expect(session.getPeerStates().publisher).toBe('connecting');
    publisherPc().setConnectionState('connected');
    expect(session.getPeerStates().publisher).toBe('connected');
    server.push('trickle', { target: 'publisher', candidate: null });
    await until(() => publisherPc().remoteCandidates.length === 1);
    expect(publisherPc().remoteCandidates).toEqual([undefined]);
  });

  it('audioMuted(true) disables the track and tells the server; unmute restores it', async () => {
    const track = session.getLocalStream()?.getAudioTracks()[0];
    await session.audioMuted(true);
    expect(track?.enabled).toBe(false);
    expect(server.received('mute').at(-1)?.params).toEqual({ audioMuted: true });
    expect(events.onUserMuted?.at(-1)).toMatchObject({ mutedBy: 'alice', isAudioMuted: true, muted: { isLocalUser: true } });
    await session.audioMuted(false);
    expect(track?.enabled).toBe(true);
    expect(server.received('mute').at(-1)?.params).toEqual({ audioMuted: false });
    expect(() => session.audioMuted('yes' as never)).toThrow(ParleyError);
  });

  it('videoPaused(true) stops sending and releases the camera; resuming opens it again', async () => {
    const camera = session.getLocalStream()?.getVideoTracks()[0] as unknown as FakeTrack;
    const sender = publisherPc().transceivers[1]?.sender;
    await session.videoPaused(true);
    expect(sender?.track).toBeNull();
    expect(camera.readyState).toBe('ended');
    expect(session.getLocalStream()?.getVideoTracks()).toHaveLength(0);
    expect(server.received('mute').at(-1)?.params).toEqual({ videoMuted: true });

    await session.videoPaused(false);
    const fresh = session.getLocalStream()?.getVideoTracks()[0] as unknown as FakeTrack;
    expect(fresh.readyState).toBe('live');
    expect(sender?.track).toBe(fresh);
    expect(media.gumCalls.at(-1)).toMatchObject({ audio: false, video: { deviceId: { exact: 'cam1' } } });
    expect(server.received('mute').at(-1)?.params).toEqual({ videoMuted: false });
  });

  it('switchCamera moves to the next camera and swaps the sent track', async () => {
    const before = session.getLocalStream()?.getVideoTracks()[0] as unknown as FakeTrack;
    await session.switchCamera();
    const after = session.getLocalStream()?.getVideoTracks()[0] as unknown as FakeTrack;
    expect(before.readyState).toBe('ended');
    expect(after.getSettings().deviceId).toBe('cam2');
    expect(publisherPc().transceivers[1]?.sender.track).toBe(after);
  });

  it('lists audio modes, reports them on devicechange, and refuses a mode with no device', async () => {
    expect(await session.getAudioOutputModes()).toEqual(['SPEAKER', 'HEADPHONES']);
    await session.setAudioMode('HEADPHONES');
    expect(session.audioMode).toBe('HEADPHONES');
    expect((await rejection(session.setAudioMode('BLUETOOTH'))).code).toBe('INVALID_STATE');
    media.changeDevices([...media.devices, { kind: 'audiooutput', deviceId: 'bt', label: 'AirPods Pro' }]);
    await until(() => (events.onAudioModeChanged?.length ?? 0) === 1);
    expect(events.onAudioModeChanged?.[0]).toEqual(['SPEAKER', 'BLUETOOTH', 'HEADPHONES']);
  });

  it("a throwing delegate or listener is logged and doesn't break the session", async () => {
    const broken = makeSession((b) =>
      b.setDelegate({
        onUserJoined() {
          throw new Error('app bug');
        },
      }),
    );
    session.on('onUserJoined', () => {
      throw new Error('listener bug');
    });
    await broken.start();
    server.push('participant.joined', { participant: person('carol') });
    const list = new Promise<RTCUser[]>((resolve) => session.on('onUserListChanged', resolve));
    server.push('participants.changed', { participants: [person('alice'), person('carol')] });
    await list;
    await until(() => logged.error.length >= 2);
    expect(session.state).toBe('joined');
    expect(broken.state).toBe('joined');
    expect(broken.getParticipants().map((u) => u.uid)).toContain('carol');
    await session.audioMuted(true);
    await broken.endSession();
  });

  it('session.ended with timeout reports onSessionTimeout, then releases everything', async () => {
    const ended = new Promise<void>((resolve) => session.on('stateChanged', (s) => s === 'ended' && resolve()));
    server.push('session.ended', { reason: 'timeout' });
    await ended;
    expect(events.onSessionTimeout).toHaveLength(1);
    expect(events.onCallEnded).toBeUndefined();
    expect(media.peerConnections.every((pc) => pc.closed)).toBe(true);
    expect(media.openedTracks.every((t) => t.readyState === 'ended')).toBe(true);
    expect(media.deviceListenerCount).toBe(0);
    expect(server.received('leave')).toHaveLength(0);
  });

  it('session.ended with call-ended reports onCallEnded, and endSession inside it is harmless', async () => {
    const ended = new Promise<void>((resolve) =>
      session.on('onCallEnded', () => {
        void session.endSession().then(resolve);
      }),
    );
    server.push('session.ended', { reason: 'call-ended' });
    await ended;
    expect(session.state).toBe('ended');
    expect(events.onCallEnded).toHaveLength(1);
  });

  it('endSession leaves once, closes both connections, and is idempotent', async () => {
    const a = session.endSession();
    const b = session.endSession();
    await Promise.all([a, b]);
    await session.endSession();
    expect(server.received('leave')).toHaveLength(1);
    expect(session.state).toBe('ended');
    expect(session.getPeerStates()).toEqual({ publisher: 'closed', subscriber: 'closed' });
    expect(session.getPeerConnections().publisher?.connectionState).toBe('closed');
    expect(session.getPeerConnections().subscriber?.connectionState).toBe('closed');
    expect(media.openedTracks.every((t) => t.readyState === 'ended')).toBe(true);
    expect((await rejection(session.audioMuted(true))).code).toBe('NO_ACTIVE_SESSION');
    expect(events.onCallEnded).toBeUndefined();
  });

  it('an unexpected socket close resumes on a new socket: media untouched, who came meanwhile reported', async () => {
    server.on('resume', (p) =>
      p.resumeToken === 'resume-secret-0123456789'
        ? { result: { sessionId: 's1', kind: 'group', self: person('alice'), participants: [person('bob'), person('cat')], recording: false, resumeToken: 'resume-secret-0123456789' } }
        : { error: { code: 'SESSION_ENDED', message: 'no' } },
    );
    const states: string[] = [];
    session.on('stateChanged', (s) => states.push(s));
    const back = new Promise<void>((resolve) => session.on('onReconnected', resolve));
    server.dropAll();
    await back;
    expect(states).toEqual(['reconnecting', 'joined']);
    expect(server.received('resume')).toHaveLength(1);
    expect(events.onError).toBeUndefined();
    expect(media.peerConnections.some((pc) => pc.closed)).toBe(false);
    expect((events.onUserJoined as RTCUser[]).map((u) => u.uid)).toEqual(['cat']);
    // Requests go through the new socket.
    await session.audioMuted(true);
    expect(server.received('mute')).toHaveLength(1);
  });

  it('an unexpected socket close that cannot be resumed reports CONNECTION_CLOSED and ends the call (onCallEnded)', async () => {
    server.on('resume', () => ({ error: { code: 'SESSION_ENDED', message: 'removed already' } }));
    const ended = new Promise<void>((resolve) => session.on('stateChanged', (s) => s === 'ended' && resolve()));
    server.dropAll();
    await ended;
    expect(events.onError?.[0]).toMatchObject({ code: 'CONNECTION_CLOSED' });
    expect(events.onCallEnded).toEqual([{ reason: 'call-ended' }]);
    expect(media.peerConnections.every((pc) => pc.closed)).toBe(true);
  });
});

describe('reconnecting, paced by the reconnect policy', () => {
  it('asks the policy before each attempt (count, time, why) and ends the session when it gives up', async () => {
    const asked: ReconnectContext[] = [];
    const policy: ReconnectPolicy = {
      nextRetryDelayMs(context) {
        asked.push(context);
        return context.retryCount < 2 ? 5 : null;
      },
    };
    server.on('resume', () => ({ error: { code: 'INTERNAL_ERROR', message: 'not now' } }));
    const errors: ParleyError[] = [];
    const endings: unknown[] = [];
    const session = sessionWith({ reconnectPolicy: policy });
    session.on('onError', (e) => errors.push(e));
    session.on('onCallEnded', (info) => endings.push(info));
    await session.start();
    const ended = new Promise<void>((resolve) => session.on('stateChanged', (s) => s === 'ended' && resolve()));
    server.dropAll();
    await ended;

    expect(asked.map((c) => [c.retryCount, c.retryReason.code])).toEqual([
      [0, 'CONNECTION_CLOSED'],
      [1, 'INTERNAL_ERROR'],
      [2, 'INTERNAL_ERROR'],
    ]);
    expect(asked[2]!.elapsedMs).toBeGreaterThanOrEqual(10);
    expect(server.received('resume')).toHaveLength(2);
    expect(errors.map((e) => e.code)).toEqual(['CONNECTION_CLOSED']);
    // The server stayed out of reach past the window: the call ended, and the app is told why.
    expect(endings).toEqual([{ reason: 'server-unavailable' }]);
  });
});

describe('the view (what draws the session)', () => {
  it('is built from the factory with the session, does its picture-in-picture, and is destroyed once as the session ends', async () => {
    const seen: string[] = [];
    let given: CallSession | undefined;
    const view: SessionView = {
      enterPIPMode: () => {
        seen.push('pip');
        return Promise.resolve();
      },
      exitPIPMode: async () => {
        seen.push('exit pip');
      },
      destroy: () => seen.push(`destroy while ${session.state}`),
    };
    const session = sessionWith({
      view: (s) => {
        given = s;
        return view;
      },
    });
    await session.start();
    expect(given).toBe(session);
    await session.enterPIPMode();
    await session.exitPIPMode();
    await session.endSession();
    await session.endSession();
    expect(seen).toEqual(['pip', 'exit pip', 'destroy while ending']);
  });

  it('is none when headless: picture-in-picture is refused, and nothing is drawn', async () => {
    const session = makeSession();
    await session.start();
    expect((await rejection(session.enterPIPMode())).code).toBe('INVALID_STATE');
    await session.exitPIPMode();
    await session.endSession();
  });
});
