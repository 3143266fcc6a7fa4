/**
 * Screen share through the real stack in Chromium. Headless Chromium 156
 * captures with the flags every e2e page has (`--use-fake-device-for-media-stream
 * --use-fake-ui-for-media-stream`): getDisplayMedia answers at once, without a
 * picker, with a fake 1280x720 30 fps screen (green) and a fake tab audio track;
 * no --auto-select-desktop-capture-source is needed. What a share does is
 * proven by getStats (frames decoded on the track the SDK maps to the sharer's
 * `screen` publication), the events, the default UI's stage, and the recording.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, events, openCallPage, type Stack, startCall, startStack, stats } from './harness.ts';

let stack: Stack;
let tmp: string;

beforeAll(async () => {
  stack = await startStack();
  tmp = process.env.E2E_KEEP_RECORDINGS ?? mkdtempSync(join(tmpdir(), 'parley-e2e-share-'));
});
afterAll(async () => {
  await stack?.close();
  if (!process.env.E2E_KEEP_RECORDINGS) rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function enter(uid: string, sessionId: string, defaultLayout: boolean): Promise<CallPage> {
  const call = await openCallPage(stack, uid, uid.toUpperCase());
  await startCall(call, sessionId, { defaultLayout });
  return call;
}

const mediaUp = (call: CallPage, video: number) =>
  eventually(() => stats(call), (s) => s.inboundVideoStreams >= video && s.audioPacketsReceived > 0, 20_000, `${call.uid} receiving media`);

/** Frames decoded on the track the SDK put in `uid`'s screen publication stream (0 when there is none). */
function screenFrames(call: CallPage, uid: string): Promise<{ frames: number; width: number; audio: boolean }> {
  return call.page.evaluate(async (uid) => {
    const session = (window as any).session;
    const stream: MediaStream | undefined = session.getRemotePublicationStream(uid, 'screen');
    const track = stream?.getVideoTracks()[0];
    const out = { frames: 0, width: 0, audio: (stream?.getAudioTracks().length ?? 0) > 0 };
    if (!track) return out;
    const report = await session.getPeerConnections().subscriber.getStats();
    report.forEach((r: any) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video' && r.trackIdentifier === track.id) {
        out.frames = r.framesDecoded ?? 0;
        out.width = r.frameWidth ?? 0;
      }
    });
    return out;
  }, uid);
}

/** The screen keeps arriving: frames decoded rise between two looks. */
async function receivesScreen(call: CallPage, uid: string): Promise<void> {
  const first = await eventually(() => screenFrames(call, uid), (s) => s.frames > 0, 15_000, `${call.uid} decoding ${uid}'s screen`);
  await eventually(() => screenFrames(call, uid), (s) => s.frames > first.frames + 10, 5_000, `${call.uid}'s frames of ${uid}'s screen rising`);
}

const uids = async (call: CallPage, event: string) => (await events(call, event)).map((e) => e.payload.uid as string);

/** What the default UI shows on its main stage: whose screen (if any) and whether its video plays. */
function stage(call: CallPage): Promise<{ screenOf: string | null; playing: boolean; notice: string | null; tilesInStrip: number }> {
  return call.page.evaluate(() => {
    const root = document.querySelector('#call')!.shadowRoot!;
    const share = root.querySelector<HTMLElement>('[data-stage] [data-screen-share]');
    const video = share?.querySelector('video');
    const notice = share?.querySelector<HTMLElement>('[data-sharing-notice]');
    return {
      screenOf: share?.dataset.uid ?? null,
      playing: !!video && !video.hidden && video.videoWidth > 0 && !video.paused,
      notice: notice && !notice.hidden ? notice.textContent : null,
      // the strip's container (the root's data-strip says whether the strip is filled)
      tilesInStrip: root.querySelectorAll('.strip[data-strip] [data-tile]').length,
    };
  });
}

async function rest(path: string): Promise<any> {
  const r = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${stack.server.apiKey}` } });
  return r.json();
}

/** How far a region of the file's frame at `t` is from black (0 for black, tens for a picture), with ffmpeg's signalstats. */
function activity(file: string, t: number, r: { x: number; y: number; w: number; h: number }): number {
  const out = execFileSync('ffmpeg', ['-v', 'error', '-ss', String(t), '-i', file, '-frames:v', '1', '-vf', `crop=${r.w}:${r.h}:${r.x}:${r.y},signalstats,metadata=print:file=-`, '-f', 'null', '-'], { encoding: 'utf8' });
  const num = (k: string) => Number(new RegExp(`${k}=([\\d.]+)`).exec(out)?.[1] ?? Number.NaN);
  return Math.abs(num('YAVG') - 16) + Math.abs(num('UAVG') - 128) + Math.abs(num('VAVG') - 128);
}

describe('screen share in Chromium', () => {
  it('reaches everyone as a second video marked screen, takes the stage, ends for everyone, and is large in the recording', async () => {
    const ann = await enter('ann', 'share-1', true);
    const ben = await enter('ben', 'share-1', true);
    await mediaUp(ann, 1);
    await mediaUp(ben, 1);
    await ann.page.evaluate(() => (window as any).session.startRecording());
    await sleep(2_500); // the grid alone, first

    // ann shares with her default UI's button
    const shareClicked = Date.now();
    await ann.page.locator('#call [data-control=screen-share]').click();
    for (const call of [ann, ben]) await eventually(() => uids(call, 'onScreenShareStarted'), (u) => u.length === 1, 10_000, `${call.uid} told ann shares`);
    expect(await uids(ben, 'onScreenShareStarted')).toEqual(['ann']);
    await receivesScreen(ben, 'ann');
    const shareSeen = Date.now();
    expect((await screenFrames(ben, 'ann')).width).toBeGreaterThan(0);
    expect((await screenFrames(ben, 'ann')).audio).toBe(true); // the fake tab audio came with it
    expect((await stats(ben)).inboundVideoStreams).toBe(2); // ann's camera and ann's screen
    // ben's stage: ann's screen, playing; both people in the strip
    const benStage = await eventually(() => stage(ben), (s) => s.screenOf === 'ann' && s.playing, 10_000, "ben's stage showing ann's screen");
    expect(benStage.tilesInStrip).toBe(2);
    // ann's stage: the notice with the stop button, not her own screen
    expect(await stage(ann)).toMatchObject({ screenOf: 'ann', playing: false, notice: expect.stringContaining('You are sharing your screen') });
    expect(await ann.page.locator('#call [data-control=screen-share]').getAttribute('aria-pressed')).toBe('true');

    // a late joiner sees the share that runs
    const cat = await enter('cat', 'share-1', false);
    expect(await uids(cat, 'onScreenShareStarted')).toEqual(['ann']);
    await receivesScreen(cat, 'ann');
    // cat's plain layout: a video of its own for the share
    expect(await cat.page.locator('#call video[data-source=screen][data-uid=ann]').count()).toBe(1);
    await sleep(1_500);

    // ann stops with the stage's button: everyone hears it, the stage returns
    const shareStopping = Date.now();
    await ann.page.locator('#call [data-control=stop-screen-share]').click();
    for (const call of [ann, ben, cat]) await eventually(() => uids(call, 'onScreenShareStopped'), (u) => u.length === 1, 10_000, `${call.uid} told ann stopped`);
    expect(await uids(cat, 'onScreenShareStopped')).toEqual(['ann']);
    await eventually(() => stage(ben), (s) => s.screenOf === null && s.tilesInStrip === 0, 5_000, "ben's stage back to the grid");
    await eventually(() => screenFrames(cat, 'ann'), (s) => s.frames === 0, 5_000, "ann's screen gone from cat's streams");
    await eventually(() => cat.page.locator('#call video[data-source=screen]').count(), (n) => n === 0, 5_000, "ann's screen gone from cat's layout");
    expect(await ann.page.evaluate(() => (window as any).session.isSharingScreen)).toBe(false);

    // one share at a time: cat's share replaces ben's, and ben's capture is released
    await ben.page.evaluate(() => (window as any).session.startScreenShare());
    await eventually(() => uids(cat, 'onScreenShareStarted'), (u) => u.length === 2, 10_000, 'cat told ben shares');
    await cat.page.evaluate(() => (window as any).session.startScreenShare());
    await eventually(() => uids(ann, 'onScreenShareStarted'), (u) => u.join() === 'ann,ben,cat', 10_000, 'ann told cat shares');
    expect(await uids(ann, 'onScreenShareStopped')).toEqual(['ann', 'ben']);
    expect(await ben.page.evaluate(() => (window as any).session.isSharingScreen)).toBe(false);
    await receivesScreen(ben, 'cat');
    await eventually(() => stage(ann), (s) => s.screenOf === 'cat' && s.playing, 10_000, "ann's stage showing cat's screen");

    // the browser's own "Stop sharing" ends the capture's track: the SDK ends the share as stopScreenShare does
    await cat.page.evaluate(() => {
      const pc = (window as any).session.getScreenShareConnection() as RTCPeerConnection;
      const track = pc.getSenders().find((s) => s.track?.kind === 'video')!.track!;
      track.dispatchEvent(new Event('ended'));
    });
    await eventually(() => uids(ben, 'onScreenShareStopped'), (u) => u.join() === 'ann,ben,cat', 10_000, 'ben told cat stopped');
    expect(await cat.page.evaluate(() => (window as any).session.isSharingScreen)).toBe(false);

    // the recording: ann's share large on the canvas for the time it ran, the grid before it
    await ann.page.evaluate(() => (window as any).session.stopRecording());
    const recordingId = (await eventually(() => events(ann, 'onRecordingToggled'), (t) => t.length === 2, 10_000, 'the recording stopped'))[0]?.payload.recordingId;
    // The call ends before the job is awaited: its encoders run behind calls in progress (recording/exec.ts).
    for (const call of [ann, ben, cat]) await call.context.close();
    const meta = await eventually(() => rest(`/v1/recordings/${recordingId}`), (r) => r.status === 'ready' || r.status === 'failed', 120_000, 'the recording job');
    expect(meta.error).toBeNull();
    const body = await fetch(`${stack.url}${meta.fileUrl}`, { headers: { authorization: `Bearer ${stack.server.apiKey}` } });
    const file = join(tmp, `${recordingId}.webm`);
    writeFileSync(file, Buffer.from(await body.arrayBuffer()));
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,width,height:format=duration', '-of', 'json', file], { encoding: 'utf8' }));
    expect(probe.streams.find((s: any) => s.codec_type === 'video')).toMatchObject({ width: 1280, height: 720 });
    const at = (ms: number) => (ms - Date.parse(meta.startedAt)) / 1000;
    // Three people were in the call, so the grid is 2x2 with cat centred in the bottom row: left of cat,
    // x 0..320 of the bottom row, it is black; while a share runs that is inside the screen (16:9 in the
    // 1280x540 share area: x 160..1120, y 0..540).
    const gap = { x: 180, y: 380, w: 120, h: 140 };
    const grid = at(shareClicked) - 0.5;
    expect(activity(file, grid, { x: 100, y: 20, w: 400, h: 300 }), `ann's grid tile at ${grid.toFixed(1)} s`).toBeGreaterThan(10);
    expect(activity(file, grid, gap), `between the grid's tiles at ${grid.toFixed(1)} s`).toBeLessThan(3);
    for (const t of [at(shareSeen) + 0.5, at(shareStopping) - 0.5]) expect(activity(file, t, gap), `the screen at ${t.toFixed(1)} s`).toBeGreaterThan(20);
    // the people are in the strip under it meanwhile
    expect(activity(file, at(shareStopping) - 0.5, { x: 320, y: 560, w: 640, h: 140 }), 'the strip').toBeGreaterThan(10);
  }, 240_000);

  it('has no share button where the browser cannot share, and startScreenShare says so', async () => {
    const dan = await openCallPage(stack, 'dan', 'DAN');
    // As on a phone or in a WebView: no getDisplayMedia.
    await dan.page.evaluate(() => {
      delete (MediaDevices.prototype as any).getDisplayMedia;
    });
    await startCall(dan, 'share-unsupported', { defaultLayout: true });
    expect(await dan.page.locator('#call [data-control=pause-video]').count()).toBe(1);
    expect(await dan.page.locator('#call [data-control=screen-share]').count()).toBe(0);
    const error = await dan.page.evaluate(() => (window as any).session.startScreenShare().then(() => null, (e: any) => ({ name: e.name, code: e.code })));
    expect(error).toEqual({ name: 'ParleyError', code: 'SCREEN_SHARE_UNSUPPORTED' });
    await dan.context.close();
  }, 60_000);
});
