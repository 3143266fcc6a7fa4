/**
 * startSession joins, then opens the devices once receiving has begun: when
 * either fails, the start fails with its typed error and leaves nothing
 * behind — a join that went through is left again (the others see a join then
 * a leave, never a participant stuck in the call), and a join that fails never
 * turns the camera on.
 */
import { TestSignalingClient } from '@parley/server/testing/signaling-client';
import { signCallToken } from '@parley/server/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, type CallPage, eventually, events, openCallPage, type Stack, startCall, startStack } from './harness.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

/** Records every track getUserMedia hands the page, so a test can see they were all stopped. */
async function watchTracks(call: CallPage): Promise<void> {
  await call.page.evaluate(() => {
    const w = window as any;
    w.__tracks = [];
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      w.__tracks.push(...stream.getTracks());
      return stream;
    };
  });
}

/** startSession in the page; resolves with the error code it rejected with (null if it joined). */
function tryToStart(call: CallPage, sessionId: string): Promise<string | null> {
  return call.page.evaluate(
    async ({ authToken, sessionId }) => {
      const { ParleyCalls, CallSettingsBuilder } = (window as any).Parley;
      const token = await ParleyCalls.generateToken(authToken, sessionId);
      const el = document.createElement('div');
      document.body.append(el);
      try {
        (window as any).session = await ParleyCalls.startSession(token, new CallSettingsBuilder().setDefaultLayout(false).build(), el);
        return null;
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      }
    },
    { authToken: call.authToken, sessionId },
  );
}

function liveTracks(call: CallPage): Promise<{ opened: number; live: number }> {
  return call.page.evaluate(() => {
    const tracks = ((window as any).__tracks ?? []) as MediaStreamTrack[];
    return { opened: tracks.length, live: tracks.filter((t) => t.readyState !== 'ended').length };
  });
}

describe('a join whose camera is refused', () => {
  it('fails with DEVICE_ERROR, and the others see a join then a leave, or nothing — never someone stuck', async () => {
    const host = await openCallPage(stack, 'host-cam');
    await startCall(host, 'camera-refused');
    // A browser that asks the person (no fake permission prompt), and a person who allowed the microphone only.
    const asking = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream') });
    const guest = await openCallPage({ ...stack, browser: asking }, 'guest-no-cam');
    await guest.context.clearPermissions();
    await guest.context.grantPermissions(['microphone']);

    expect(await tryToStart(guest, 'camera-refused')).toBe('DEVICE_ERROR');

    const seen = async () => (await events(host)).filter((e) => e.name === 'onUserJoined' || e.name === 'onUserLeft').map((e) => e.name);
    const list = await eventually(seen, (names) => names.length === 0 || names.length === 2, 10_000, 'a join and a leave, or nothing');
    expect([[], ['onUserJoined', 'onUserLeft']]).toContainEqual(list);
    expect(await host.page.evaluate(() => (window as any).session.getParticipants().map((p: { uid: string }) => p.uid))).toEqual(['host-cam']);
    await asking.close();
    await host.context.close();
  });
});

describe('a join to a full session', () => {
  it('fails with SESSION_FULL without ever turning the camera or microphone on', async () => {
    // Fill the session with people who only signal (no browser needed for them).
    const fillers: TestSignalingClient[] = [];
    for (let i = 0; i < 16; i++) {
      const client = await TestSignalingClient.open(stack.url);
      const { token } = await signCallToken(stack.server.tokenSecret, 600, { sessionId: 'full-house', uid: `filler-${i}`, name: `Filler ${i}`, avatar: null, kind: 'group' });
      expect((await client.request('join', { token, sessionId: 'full-house' })).ok).toBe(true);
      fillers.push(client);
    }
    const late = await openCallPage(stack, 'late-comer');
    await watchTracks(late);

    expect(await tryToStart(late, 'full-house')).toBe('SESSION_FULL');

    // A moment for a device request that should not come, had it been made as the join failed.
    await late.page.waitForTimeout(500);
    expect(await liveTracks(late)).toEqual({ opened: 0, live: 0 });
    for (const client of fillers) client.close();
    await late.context.close();
  });
});
