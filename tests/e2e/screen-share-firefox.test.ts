/**
 * Screen share in a mixed Chromium ↔ Firefox call. Headless Firefox ESR has no
 * screen to capture (getDisplayMedia rejects with NotFoundError, with or
 * without a click, whatever the prefs), so this file runs Firefox headed on an
 * Xvfb display of its own: there it captures the whole display ("Primary
 * Monitor", 1280x1024) without a picker (media.navigator.permission.disabled),
 * and with no tab audio (Firefox does not capture audio). Chromium shares its
 * fake screen (with its fake tab audio) as in screen-share.test.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserName } from './browsers/browser-page.ts';
import { launchFirefox } from './browsers/firefox.ts';
import { eventually, events, openParticipant, type Participant, type Stack, startCall, startStack, stats } from './harness.ts';

let stack: Stack;
let xvfb: ChildProcess | undefined;
let firefox: Promise<Browser> | undefined;

beforeAll(async () => {
  const display = 90 + Math.floor(Math.random() * 400);
  xvfb = spawn('Xvfb', [`:${display}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  const socket = `/tmp/.X11-unix/X${display}`;
  for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(socket)) throw new Error(`Xvfb :${display} did not start`);
  const base = await startStack();
  // Firefox headed on the Xvfb display, so that it has a screen to share.
  stack = {
    ...base,
    firefox: () => {
      firefox ??= launchFirefox(`:${display}`);
      return firefox;
    },
  };
});
afterAll(async () => {
  if (firefox) await (await firefox.catch(() => undefined))?.close().catch(() => undefined);
  await stack?.close();
  xvfb?.kill();
});

async function join(browser: BrowserName, uid: string, sessionId: string): Promise<Participant> {
  const who = await openParticipant(stack, browser, uid);
  await startCall(who, sessionId);
  return who;
}

const uids = async (who: Participant, event: string) => (await events(who, event)).map((e) => e.payload.uid as string);

/** The remote screen of `uid` as `who` receives it: its publication stream's tracks, and video frames decoded in all. */
function screenOf(who: Participant, uid: string): Promise<{ video: boolean; framesDecoded: number; videoStreams: number }> {
  return who.tab
    .evaluate((uid: string) => {
      const stream: MediaStream | undefined = (window as any).session.getRemotePublicationStream(uid, 'screen');
      return (stream?.getVideoTracks().length ?? 0) > 0;
    }, uid)
    .then(async (video) => {
      const s = await stats(who);
      return { video, framesDecoded: s.videoFramesDecoded, videoStreams: s.inboundVideoStreams };
    });
}

/** `who` decodes `uid`'s screen: a second video stream (camera and screen), marked screen, its frames rising. */
async function receivesScreen(who: Participant, uid: string): Promise<void> {
  const first = await eventually(() => screenOf(who, uid), (s) => s.video && s.videoStreams >= 2, 20_000, `${who.uid} decoding ${uid}'s screen`);
  await eventually(() => screenOf(who, uid), (s) => s.framesDecoded > first.framesDecoded + 20, 10_000, `${who.uid}'s frames rising`);
}

describe('screen share between Chromium and Firefox', () => {
  it('Firefox shares its screen and Chromium decodes it; Chromium shares and Firefox decodes it', async () => {
    const ann = await join('chromium', 'ann', 'mixed-share');
    const fred = await join('firefox', 'fred', 'mixed-share');
    await fred.tab.bringToFront();
    for (const who of [ann, fred]) await eventually(() => stats(who), (s) => s.inboundVideoStreams >= 1, 20_000, `${who.uid} decoding the other's camera`);

    await fred.tab.evaluate(() => (window as any).session.startScreenShare());
    for (const who of [ann, fred]) await eventually(() => uids(who, 'onScreenShareStarted'), (u) => u.join() === 'fred', 10_000, `${who.uid} told fred shares`);
    await receivesScreen(ann, 'fred');
    await fred.tab.evaluate(() => (window as any).session.stopScreenShare());
    for (const who of [ann, fred]) await eventually(() => uids(who, 'onScreenShareStopped'), (u) => u.join() === 'fred', 10_000, `${who.uid} told fred stopped`);
    await eventually(() => screenOf(ann, 'fred'), (s) => !s.video, 10_000, "fred's screen gone from ann's streams");

    await ann.tab.evaluate(() => (window as any).session.startScreenShare());
    await eventually(() => uids(fred, 'onScreenShareStarted'), (u) => u.join() === 'fred,ann', 10_000, 'fred told ann shares');
    await receivesScreen(fred, 'ann');
    await ann.tab.evaluate(() => (window as any).session.stopScreenShare());
    await eventually(() => uids(fred, 'onScreenShareStopped'), (u) => u.join() === 'fred,ann', 10_000, 'fred told ann stopped');
    expect(await ann.tab.evaluate(() => (window as any).session.isSharingScreen)).toBe(false);

    for (const who of [ann, fred]) await who.tab.close();
  }, 180_000);
});
