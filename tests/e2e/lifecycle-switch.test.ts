/**
 * Switching an audio call to video in the browser. Declined: the asker is
 * told and no video is sent. Accepted: both cameras start, video frames flow
 * both ways (getStats), everyone gets onCallSwitchedToVideo with who asked and
 * who answered, and the call log's media becomes video. In a group call the
 * others may then turn their cameras on themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, events, type Stack, startStack, stats } from './harness.ts';
import { joinUI, leave, tilesReady, ui } from './ui-helpers.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const AUDIO_CALL = { audioOnly: true, setters: { setShowSwitchToVideoCall: true } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const audioFlows = (call: CallPage) => eventually(() => stats(call), (s) => s.audioPacketsReceived > 20, 15_000, `audio at ${call.uid}`);

/** Video decoded from `streams` senders, with the frame count still rising. */
async function videoFlows(call: CallPage, streams: number): Promise<void> {
  const first = await eventually(() => stats(call), (s) => s.inboundVideoStreams >= streams, 20_000, `${call.uid} decoding ${streams} video stream(s)`);
  await eventually(() => stats(call), (s) => s.videoFramesDecoded > first.videoFramesDecoded + 10, 10_000, `${call.uid}'s frames rising`);
}

const media = async (sessionId: string) => (await stack.server.services.store.sessions.get(sessionId))?.media;

describe('a one-to-one audio call', () => {
  it('declined: the asker is told and no video is sent; asked again and accepted: video flows both ways', async () => {
    const ann = await joinUI(stack, 'ann', 'switch-1', { ...AUDIO_CALL, type: 'direct' });
    const ben = await joinUI(stack, 'ben', 'switch-1', { ...AUDIO_CALL, type: 'direct' });
    await audioFlows(ann);
    await audioFlows(ben);

    // Ann asks with the control bar's button; Ben sees the request and declines it in the dialog.
    await ui(ann, '[data-control=switch-to-video]').click();
    const asked = await eventually(() => events(ben, 'onCallSwitchToVideoRequested'), (e) => e.length === 1, 5_000, 'the request at ben');
    expect(asked[0]?.payload).toEqual({ sessionId: 'switch-1', initiator: 'ann' });
    await expect.poll(() => ui(ben, '[data-switch-request]').isVisible()).toBe(true);
    expect(await ui(ben, '[data-switch-request] p').textContent()).toContain('ann');
    await ui(ben, '[data-control=switch-decline]').click();

    const declined = await eventually(() => events(ann, 'onCallSwitchToVideoDeclined'), (e) => e.length === 1, 5_000, 'the decline at ann');
    expect(declined[0]?.payload).toEqual({ sessionId: 'switch-1', initiator: 'ann', responder: 'ben' });
    await expect.poll(() => ui(ann, '.toast').textContent()).toContain('declined');
    await expect.poll(() => ui(ben, '[data-switch-request]').isVisible()).toBe(false);
    await sleep(1_500);
    for (const p of [ann, ben]) {
      const s = await stats(p);
      expect(s.outboundVideoTracks).toBe(0);
      expect(s.outboundVideoBytes).toBe(0);
      expect(s.videoFramesDecoded).toBe(0);
      expect(await events(p, 'onCallSwitchedToVideo')).toEqual([]);
      expect(await p.page.evaluate(() => (window as any).session.isAudioOnly)).toBe(true);
    }
    expect(await media('switch-1')).toBe('audio');

    // Ann asks again through the API; Ben accepts in the dialog.
    await ann.page.evaluate(() => (window as any).session.switchToVideoCall());
    await eventually(() => events(ben, 'onCallSwitchToVideoRequested'), (e) => e.length === 2, 5_000, 'the second request');
    await ui(ben, '[data-control=switch-accept]').click();

    for (const p of [ann, ben]) {
      const switched = await eventually(() => events(p, 'onCallSwitchedToVideo'), (e) => e.length === 1, 5_000, `onCallSwitchedToVideo at ${p.uid}`);
      expect(switched[0]?.payload).toEqual({ sessionId: 'switch-1', initiator: 'ann', responder: 'ben' });
    }
    await videoFlows(ann, 1);
    await videoFlows(ben, 1);
    for (const p of [ann, ben]) {
      const s = await stats(p);
      expect(s.outboundVideoTracks).toBe(1);
      expect(s.outboundVideoBytes).toBeGreaterThan(0);
      expect(s.audioPacketsReceived).toBeGreaterThan(0);
    }
    // The default UI shows both tiles with video, and the camera control.
    await tilesReady(ann, 2, true);
    await tilesReady(ben, 2, true);
    await expect.poll(() => ui(ann, '[data-control=pause-video]').isVisible()).toBe(true);
    await expect.poll(() => ui(ann, '[data-control=switch-to-video]').isVisible()).toBe(false);
    expect(await media('switch-1')).toBe('video');
    // Ben's roster knows Ann's camera is on.
    const annMuted = (await events(ben, 'onUserMuted')).filter((e) => e.payload.muted.uid === 'ann');
    expect(annMuted.at(-1)?.payload).toMatchObject({ isVideoMuted: false, muted: { isAudioOnly: false } });

    await leave(ann);
    await leave(ben);
  });
});

describe('a group audio call', () => {
  it('becomes a video session: asker and accepter start cameras, a third turns theirs on with videoPaused(false)', async () => {
    const cyd = await joinUI(stack, 'cyd', 'switch-2', AUDIO_CALL);
    const dee = await joinUI(stack, 'dee', 'switch-2', AUDIO_CALL);
    const eli = await joinUI(stack, 'eli', 'switch-2', AUDIO_CALL);
    await audioFlows(eli);

    await cyd.page.evaluate(() => (window as any).session.switchToVideoCall());
    for (const p of [dee, eli]) await eventually(() => events(p, 'onCallSwitchToVideoRequested'), (e) => e.length === 1, 5_000, `the request at ${p.uid}`);
    await dee.page.evaluate(() => (window as any).session.acceptVideoSwitch());
    for (const p of [cyd, dee, eli]) {
      const switched = await eventually(() => events(p, 'onCallSwitchedToVideo'), (e) => e.length === 1, 5_000, `onCallSwitchedToVideo at ${p.uid}`);
      expect(switched[0]?.payload).toEqual({ sessionId: 'switch-2', initiator: 'cyd', responder: 'dee' });
    }
    // Eli's dialog closed when Dee answered, and Eli can no longer answer.
    await expect.poll(() => ui(eli, '[data-switch-request]').isVisible()).toBe(false);
    const code = await eli.page.evaluate(() => (window as any).session.acceptVideoSwitch().then(() => 'ok', (e: { code: string }) => e.code));
    expect(code).toBe('INVALID_STATE');

    await videoFlows(eli, 2); // Cyd's and Dee's cameras
    expect((await stats(eli)).outboundVideoTracks).toBe(0);

    // Eli turns the camera on: the others receive it.
    await eli.page.evaluate(() => (window as any).session.videoPaused(false));
    await videoFlows(cyd, 2);
    await videoFlows(dee, 2);
    expect((await stats(eli)).outboundVideoTracks).toBe(1);
    expect(await media('switch-2')).toBe('video');

    for (const p of [cyd, dee, eli]) await leave(p);
  });

  it('withdrawn when the asker leaves: the others stop being asked', async () => {
    const fay = await joinUI(stack, 'fay', 'switch-3', AUDIO_CALL);
    const gil = await joinUI(stack, 'gil', 'switch-3', AUDIO_CALL);
    const hal = await joinUI(stack, 'hal', 'switch-3', AUDIO_CALL);
    await audioFlows(hal);
    await fay.page.evaluate(() => (window as any).session.switchToVideoCall());
    await expect.poll(() => ui(gil, '[data-switch-request]').isVisible()).toBe(true);

    await leave(fay);
    for (const p of [gil, hal]) {
      const withdrawn = await eventually(() => events(p, 'onCallSwitchToVideoWithdrawn'), (e) => e.length === 1, 5_000, `the withdrawal at ${p.uid}`);
      expect(withdrawn[0]?.payload).toEqual({ sessionId: 'switch-3', initiator: 'fay', reason: 'left' });
      await expect.poll(() => ui(p, '[data-switch-request]').isVisible()).toBe(false);
    }
    const code = await gil.page.evaluate(() => (window as any).session.acceptVideoSwitch().then(() => 'ok', (e: { code: string }) => e.code));
    expect(code).toBe('INVALID_STATE');
    for (const p of [gil, hal]) await leave(p);
  });
});
