/** A CallSession in a call: what the server tells it, what the app asks of it, reconnecting, and its view. */
import { ParleyError } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallsEventsDelegate, RTCMutedUser, RTCUser } from '../api/events.ts';
import type { FakeStream, FakeTrack } from '../testing/fake-media.ts';
import { fakeSdp } from '../testing/fake-media.ts';
import { person } from '../testing/person.ts';
import { rejection } from '../testing/rejection.ts';
import { logged, makeSession, media, publisherPc, server, sessionWith, subscriberPc, until, useSessionFixture } from '../testing/session-fixture.ts';
import type { CallSession } from './call-session.ts';
import type { ReconnectContext, ReconnectPolicy } from './reconnect-policy.ts';
import type { SessionView, SessionViewFactory } from './session-view.ts';

useSessionFixture();

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

  it("lists the output devices with their modes, leaving out Chromium's second 'communications' entry", async () => {
    media.changeDevices([...media.devices, { kind: 'audiooutput', deviceId: 'communications', label: 'Communications - USB Headset' }]);
    expect(await session.getAudioOutputs()).toEqual([
      { deviceId: 'default', label: 'Default - Speakers', mode: 'SPEAKER' },
      { deviceId: 'hp', label: 'USB Headset', mode: 'HEADPHONES' },
    ]);
  });

  it('lists the default output alone when the browser fails to list devices', async () => {
    media.enumerateDevices = () => Promise.reject(new Error('not allowed'));
    expect(await session.getAudioOutputs()).toEqual([{ deviceId: '', label: 'Default', mode: 'SPEAKER' }]);
    expect(await session.getAudioOutputModes()).toEqual(['SPEAKER']);
  });

  it('cannot share the screen with a media handler that cannot capture it', () => {
    expect(session.canShareScreen).toBe(false); // the fake handler has no getDisplayMedia
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

  /** Starts a session whose view's code is still loading, until its join is out; `load` builds the view, which hears through `listen`. */
  async function joiningWhileTheViewLoads(): Promise<{ session: CallSession; starting: Promise<void>; load(listen: (s: CallSession) => void): void }> {
    let resolve!: (factory: SessionViewFactory) => void;
    const session = sessionWith({ view: new Promise<SessionViewFactory>((r) => (resolve = r)) });
    const starting = session.start();
    await until(() => server.received('join').length === 1);
    const load = (listen: (s: CallSession) => void) =>
      resolve((s) => {
        listen(s);
        return { enterPIPMode: () => undefined, exitPIPMode: async () => {}, destroy: () => {} };
      });
    return { session, starting, load };
  }

  it('whose code is still loading: the join goes out meanwhile, and what the server tells before it is built reaches it', async () => {
    const heard: string[] = [];
    const { session, starting, load } = await joiningWhileTheViewLoads();
    server.push('participant.joined', { participant: person('carol') });
    await new Promise((resolve) => setTimeout(resolve, 50)); // carol's join arrives before the view is built
    load((s) => s.on('onUserJoined', (user) => heard.push(user.uid)));
    await starting;
    expect(heard).toEqual(['carol']);
    expect(session.getParticipants().map((u) => u.uid)).toEqual(['alice', 'bob', 'carol']);
    await session.endSession();
  });

  it('whose code is still loading: a subscriber offer is answered at once, and its stream is told to the view once it is built', async () => {
    const heard: string[] = [];
    const { session, starting, load } = await joiningWhileTheViewLoads();
    server.push('subscriber.offer', {
      jsep: { type: 'offer', sdp: fakeSdp([{ mid: 'v0', kind: 'video' }]) },
      streams: [{ mid: 'v0', uid: 'bob', source: 'camera', kind: 'video', active: true }],
    });
    await until(() => server.received('subscriber.answer').length === 1);
    load((s) => s.on('onRemoteStream', ({ uid }) => heard.push(uid)));
    await starting;
    expect(heard).toEqual(['bob']);
    await session.endSession();
  });

  it("whose code is still loading: the subscriber answers the first offer with the join's TURN servers (behind a firewall, its only path)", async () => {
    const turn = { urls: ['turn:127.0.0.1:8080?transport=tcp'], username: '1700000000:alice', credential: 'secret' };
    server.on('join', () => ({
      result: { sessionId: 's1', kind: 'group', self: person('alice'), participants: [person('bob')], recording: false, resumeToken: 'resume-secret-0123456789', iceServers: [turn] },
    }));
    const { session, starting, load } = await joiningWhileTheViewLoads();
    // The browser gathers candidates with the configuration the connection has as it answers.
    const pc = subscriberPc();
    const gatheredWith: Array<RTCIceServer[] | undefined> = [];
    const setLocalDescription = pc.setLocalDescription.bind(pc);
    pc.setLocalDescription = (description) => {
      gatheredWith.push((pc.configurations.at(-1) ?? pc.config)?.iceServers);
      return setLocalDescription(description);
    };
    server.push('subscriber.offer', {
      jsep: { type: 'offer', sdp: fakeSdp([{ mid: 'v0', kind: 'video' }]) },
      streams: [{ mid: 'v0', uid: 'bob', source: 'camera', kind: 'video', active: true }],
    });
    await until(() => server.received('subscriber.answer').length === 1);
    expect(gatheredWith).toEqual([[turn]]);
    load(() => undefined);
    await starting;
    await session.endSession();
  });

  it('whose code fails to load once the join went out: start rejects with that error, and the session leaves', async () => {
    const session = sessionWith({ view: Promise.reject(new ParleyError('NETWORK_ERROR', 'The call layout could not be loaded')) });
    expect((await rejection(session.start())).code).toBe('NETWORK_ERROR');
    expect(server.received('join')).toHaveLength(1);
    expect(server.received('leave')).toHaveLength(1);
    expect(server.received('publish')).toHaveLength(0);
    expect(session.state).toBe('ended');
  });

  it('is none when headless: picture-in-picture is refused, and nothing is drawn', async () => {
    const session = makeSession();
    await session.start();
    expect((await rejection(session.enterPIPMode())).code).toBe('INVALID_STATE');
    await session.exitPIPMode();
    await session.endSession();
  });
});
