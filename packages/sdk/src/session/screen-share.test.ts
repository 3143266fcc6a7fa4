/**
 * Screen share through a CallSession, against a fake signaling server and a
 * fake browser: the capture, its own publisher connection, the server's
 * events, and every way a share ends.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { CallSettingsBuilder } from '../api/call-settings.ts';
import type { RTCUser } from '../api/events.ts';
import { displayMediaError } from '../media/screen-share.ts';
import { FakeMediaHandler, type FakePeerConnection, FakeStream, FakeTrack, fakeSdp } from '../testing/fake-media.ts';
import { FakeSignalingServer } from '../testing/fake-signaling-server.ts';
import { person } from '../testing/person.ts';
import { rejection } from '../testing/rejection.ts';
import { setLogger } from '../util/logger.ts';
import { CallSession } from './call-session.ts';
import type { WebSocketConstructor } from './signaling-client.ts';

const WS = WebSocket as unknown as WebSocketConstructor;

/** A captured track whose `ended` the test can fire, as the browser's "Stop sharing" does. */
class CapturedTrack extends FakeTrack {
  readonly #ended: Array<() => void> = [];
  addEventListener(type: string, listener: () => void): void {
    if (type === 'ended') this.#ended.push(listener);
  }
  endInBrowser(): void {
    this.stop();
    for (const l of this.#ended) l();
  }
}

/** A browser that can capture the screen (with tab audio), or refuses as told. */
class ScreenCapturingMedia extends FakeMediaHandler {
  readonly captures: CapturedTrack[][] = [];
  refuseWith: Error | undefined;
  async getDisplayMedia(): Promise<MediaStream> {
    if (this.refuseWith) throw displayMediaError(this.refuseWith);
    const tracks = [new CapturedTrack('video'), new CapturedTrack('audio')];
    this.captures.push(tracks);
    return new FakeStream(tracks) as unknown as MediaStream;
  }
}

let server: FakeSignalingServer;
let media: ScreenCapturingMedia;
let screenSharer: string | null;

beforeEach(async () => {
  setLogger({ debug() {}, info() {}, warn() {}, error() {} });
  screenSharer = null;
  server = await FakeSignalingServer.start();
  media = new ScreenCapturingMedia();
  server
    .on('join', () => ({
      result: { sessionId: 's1', kind: 'group', self: person('alice'), participants: [person('bob')], recording: false, resumeToken: 'resume-secret-0123456789', screenSharer },
    }))
    .on('publish', () => ({ result: { jsep: { type: 'answer', sdp: 'janus-answer' } } }))
    .on('screen.publish', () => ({ result: { jsep: { type: 'answer', sdp: 'janus-screen-answer' } } }))
    .on('screen.stop', () => ({ result: {} }));
});
afterEach(async () => {
  await server.close();
  setLogger(undefined);
});

async function joined(): Promise<{ session: CallSession; started: RTCUser[]; stopped: RTCUser[] }> {
  const session = new CallSession({ serverUrl: server.url, token: 'jwt', sessionId: 's1', settings: new CallSettingsBuilder().build(), media, WebSocket: WS });
  const started: RTCUser[] = [];
  const stopped: RTCUser[] = [];
  session.on('onScreenShareStarted', (u) => started.push(u));
  session.on('onScreenShareStopped', (u) => stopped.push(u));
  await session.start();
  return { session, started, stopped };
}

const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 2_000, interval: 5 });

describe('sharing our screen', () => {
  it("publishes the capture (screen and tab audio) on a connection of its own, and hears it started like anyone's", async () => {
    const { session, started } = await joined();

    await session.startScreenShare();

    expect(session.isSharingScreen).toBe(true);
    expect(server.received('screen.publish')[0]?.params).toEqual({ jsep: { type: 'offer', sdp: fakeSdp([{ mid: '0', kind: 'audio' }, { mid: '1', kind: 'video' }]) } });
    expect(media.peerConnections).toHaveLength(3); // subscriber, camera publisher, screen share
    expect(session.getScreenShareConnection()).toBe(media.peerConnections[2]);
    server.push('screenShare.started', { uid: 'alice' });
    await until(() => started.length === 1);
    expect(started[0]).toMatchObject({ uid: 'alice', isLocalUser: true });
    expect(session.screenSharer?.uid).toBe('alice');
    await session.endSession();
  });

  it("restarts ICE on the share's own connection when its path is lost, through the server, and says so", async () => {
    server.on('ice.restart', () => ({ result: { jsep: { type: 'answer', sdp: 'janus-screen-restart-answer' } } }));
    const { session } = await joined();
    const heard: string[] = [];
    session.on('onMediaReconnecting', ({ connection }) => heard.push(connection));
    await session.startScreenShare();
    const screenPc = media.peerConnections[2] as FakePeerConnection;

    screenPc.setConnectionState('failed');

    await until(() => server.received('ice.restart').length === 1);
    expect(server.received('ice.restart')[0]?.params).toMatchObject({ target: 'screen', jsep: { type: 'offer' } });
    await until(() => screenPc.remoteDescription?.sdp === 'janus-screen-restart-answer');
    expect(heard).toEqual(['screen']); // the camera's connection was left alone
    await session.endSession();
  });

  it("gives the share's connection the TURN credentials of a resume, as the call's own connections get them", async () => {
    const fresh = { urls: ['turn:127.0.0.1:3478'], username: '1700000000:alice', credential: 'fresh' };
    server.on('resume', () => ({
      result: { sessionId: 's1', kind: 'group', self: person('alice'), participants: [person('bob')], recording: false, resumeToken: 'resume-secret-0123456789', iceServers: [fresh] },
    }));
    const { session } = await joined();
    await session.startScreenShare();
    const back = new Promise<void>((resolve) => session.on('onReconnected', resolve));

    server.dropAll();
    await back;

    for (const pc of media.peerConnections as FakePeerConnection[]) expect(pc.configurations.at(-1)?.iceServers).toContainEqual(fresh);
    await session.endSession();
  });

  it('ends when the browser ends the capture ("Stop sharing"), as stopScreenShare does', async () => {
    const { session } = await joined();
    await session.startScreenShare();
    const [video, audio] = media.captures[0]!;

    video!.endInBrowser();

    await until(() => server.received('screen.stop').length === 1);
    expect(session.isSharingScreen).toBe(false);
    expect(audio!.readyState).toBe('ended');
    expect(session.getScreenShareConnection()).toBeNull();
    await session.endSession();
  });

  it('releases the capture without asking when the server stops our share (a newer share replaced it)', async () => {
    const { session, started, stopped } = await joined();
    await session.startScreenShare();
    server.push('screenShare.started', { uid: 'alice' });
    await until(() => started.length === 1);

    server.push('screenShare.stopped', { uid: 'alice' });
    server.push('screenShare.started', { uid: 'bob' });

    await until(() => started.length === 2);
    expect(stopped.map((u) => u.uid)).toEqual(['alice']);
    expect(session.isSharingScreen).toBe(false);
    expect(media.captures[0]!.every((t) => t.readyState === 'ended')).toBe(true);
    expect(server.received('screen.stop')).toHaveLength(0);
    expect(session.screenSharer?.uid).toBe('bob');
    await session.endSession();
  });

  it('is typed when the user cancels the picker, and nothing is published', async () => {
    const { session } = await joined();
    media.refuseWith = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });

    const error = await rejection(session.startScreenShare());

    expect(error).toMatchObject({ name: 'ParleyError', code: 'SCREEN_SHARE_CANCELLED' });
    expect(server.received('screen.publish')).toHaveLength(0);
    expect(session.isSharingScreen).toBe(false);
    await session.endSession();
  });

  it('is SCREEN_SHARE_UNSUPPORTED where the browser cannot capture the screen', async () => {
    const session = new CallSession({ serverUrl: server.url, token: 'jwt', sessionId: 's1', settings: new CallSettingsBuilder().build(), media: new FakeMediaHandler(), WebSocket: WS });
    await session.start();
    expect(await rejection(session.startScreenShare())).toMatchObject({ code: 'SCREEN_SHARE_UNSUPPORTED' });
    await session.endSession();
  });

  it('releases the capture when the session ends', async () => {
    const { session } = await joined();
    await session.startScreenShare();
    await session.endSession();
    expect(media.captures[0]!.every((t) => t.readyState === 'ended')).toBe(true);
  });
});

describe("someone else's share", () => {
  it('is reported on joining a call where it runs, and when it stops', async () => {
    screenSharer = 'bob';
    const { session, started, stopped } = await joined();
    expect(started.map((u) => u.uid)).toEqual(['bob']);

    server.push('screenShare.stopped', { uid: 'bob' });

    await until(() => stopped.length === 1);
    expect(stopped[0]).toMatchObject({ uid: 'bob', isLocalUser: false });
    expect(session.screenSharer).toBeNull();
    await session.endSession();
  });

  it('stops for the app when its sharer leaves', async () => {
    const { session, started, stopped } = await joined();
    server.push('screenShare.started', { uid: 'bob' });
    await until(() => started.length === 1);

    server.push('participant.left', { participant: person('bob'), reason: 'left' });

    await until(() => stopped.length === 1);
    expect(stopped[0]?.uid).toBe('bob');
    await session.endSession();
  });
});
