/**
 * The core call scenarios in Firefox alone and in mixed Chromium ↔ Firefox
 * calls, written once over `Participant.tab`: join, media both ways (getStats:
 * frames decoded, audio packets received), mute and video pause reaching the
 * other side, a third person, and a leave. Firefox publishes single-layer
 * video, as Chromium does: there is no simulcast yet, and no screen share.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserName } from './browsers/browser-page.ts';
import { eventually, events, openParticipant, type Participant, type Stack, startCall, startStack, stats } from './harness.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

async function join(browser: BrowserName, uid: string, sessionId: string): Promise<Participant> {
  const who = await openParticipant(stack, browser, uid);
  await startCall(who, sessionId);
  return who;
}

async function leave(who: Participant): Promise<void> {
  await who.tab.evaluate(() => (window as any).session.endSession());
  await who.tab.close();
}

/** Waits until `who` decodes video from `streams` others and hears audio; returns the counters. */
const decoding = (who: Participant, streams: number) =>
  eventually(
    () => stats(who),
    (s) => s.inboundVideoStreams >= streams && s.audioPacketsReceived > 0,
    20_000,
    `${who.uid} (${who.tab.browserName}) decoding ${streams} video stream(s)`,
  );

/** Frames from everyone keep coming: the decode count rises by more than `frames` between two reads. */
async function framesKeepComing(who: Participant, frames = 10): Promise<void> {
  const before = await stats(who);
  await eventually(() => stats(who), (s) => s.videoFramesDecoded > before.videoFramesDecoded + frames, 15_000, `${who.uid} decoding more frames`);
}

async function outboundVideoRate(who: Participant): Promise<number> {
  const a = (await stats(who)).outboundVideoBytes;
  await new Promise((r) => setTimeout(r, 1500));
  return ((await stats(who)).outboundVideoBytes - a) / 1.5;
}

const lastMute = (who: Participant) => events(who, 'onUserMuted').then((e) => e.at(-1)?.payload);

describe.each<[string, [BrowserName, BrowserName, BrowserName]]>([
  ['Firefox alone', ['firefox', 'firefox', 'firefox']],
  ['Firefox with Chromium', ['firefox', 'chromium', 'chromium']],
  ['Chromium with Firefox', ['chromium', 'firefox', 'firefox']],
])('a group video call, %s', (_name, [first, second, third]) => {
  const session = `mixed-${first}-${second}-${third}`;

  it('carries media both ways, mute and pause reach the other side, a third joins, and a leave is seen', async () => {
    const ana = await join(first, `ana-${first}`, session);
    const ben = await join(second, `ben-${second}`, session);
    await decoding(ana, 1);
    await decoding(ben, 1);
    await framesKeepComing(ana);

    await ana.tab.evaluate(() => (window as any).session.audioMuted(true));
    expect(await eventually(() => lastMute(ben), (m) => m?.isAudioMuted === true, 10_000, 'mute at ben')).toMatchObject({
      muted: { uid: ana.uid },
      isVideoMuted: false,
    });
    const micEnabled = await ana.tab.evaluate(() => (window as any).session.getLocalStream().getAudioTracks()[0].enabled);
    expect(micEnabled).toBe(false);
    await ana.tab.evaluate(() => (window as any).session.audioMuted(false));
    await eventually(() => lastMute(ben), (m) => m?.isAudioMuted === false, 10_000, 'unmute at ben');

    const sending = await outboundVideoRate(ana);
    expect(sending).toBeGreaterThan(5000);
    await ana.tab.evaluate(() => (window as any).session.videoPaused(true));
    await eventually(() => lastMute(ben), (m) => m?.isVideoMuted === true, 10_000, 'video pause at ben');
    expect(await outboundVideoRate(ana)).toBeLessThan(sending / 10);
    await ana.tab.evaluate(() => (window as any).session.videoPaused(false));
    await eventually(() => lastMute(ben), (m) => m?.isVideoMuted === false, 10_000, 'video resume at ben');
    await framesKeepComing(ben);

    const cleo = await join(third, `cleo-${third}`, session);
    await decoding(cleo, 2);
    await decoding(ana, 2);
    await decoding(ben, 2);

    await leave(ben);
    for (const stays of [ana, cleo]) {
      const left = await eventually(() => events(stays, 'onUserLeft'), (e) => e.length === 1, 10_000, `${stays.uid} told of the leave`);
      expect(left[0]?.payload.uid).toBe(ben.uid);
    }
    await framesKeepComing(cleo);
    await framesKeepComing(ana);
    await leave(ana);
    await leave(cleo);
  });
});
