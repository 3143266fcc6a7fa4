/**
 * The ringing flow in Chromium with the SDK's public API and its default
 * ringing screens: accept, reject, cancel, busy, unanswered, two tabs of the
 * receiver, and the seed's end sequence (endCall → clearActiveCall →
 * endSession), each checked on both sides and in the call log afterwards.
 */
import { api } from '@parley/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, events, openCallPage, PAGE_INIT_SCRIPT, type Stack, startCall, startStack, stats } from './harness.ts';
import { hangUpTheSeedWay, leaveEndedCallTheSeedWay } from './seed-end.ts';

const RING_TIMEOUT_MS = 5_000;
let stack: Stack;
let http: ReturnType<typeof api>;
let open: CallPage[] = [];

beforeAll(async () => {
  stack = await startStack({ PARLEY_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) });
  http = api(stack.server);
});
afterEach(async () => {
  for (const p of open) await p.context.close().catch(() => undefined);
  open = [];
});
afterAll(async () => {
  await stack?.close();
});

const LISTENER_EVENTS = ['onIncomingCallReceived', 'onOutgoingCallAccepted', 'onOutgoingCallRejected', 'onIncomingCallCancelled', 'onCallEndedMessageReceived'];

/** A tab of `uid`, logged in to its user channel, recording every call event, with the default ringing screen. */
async function tab(uid: string): Promise<CallPage> {
  const p = await openCallPage(stack, uid, uid.toUpperCase());
  open.push(p);
  await p.page.evaluate(
    async ({ authToken, names }) => {
      const w = window as any;
      const { ParleyRinging } = w.Parley;
      w.callEvents = [];
      w.accepted = [];
      const record = (name: string) => (call: unknown) => w.callEvents.push({ name, call: JSON.parse(JSON.stringify(call)) });
      ParleyRinging.addCallListener('test', Object.fromEntries(names.map((n: string) => [n, record(n)])));
      await ParleyRinging.login(authToken);
      const el = document.createElement('div');
      el.id = 'ringing';
      document.body.append(el);
      w.screen = ParleyRinging.renderCallScreen(el, { onAccepted: (call: unknown) => w.accepted.push(call) });
    },
    { authToken: p.authToken, names: LISTENER_EVENTS },
  );
  return p;
}

function callEvents(p: CallPage, name?: string): Promise<{ name: string; call: any }[]> {
  return p.page.evaluate((n) => (window as any).callEvents.filter((e: { name: string }) => !n || e.name === n), name);
}

const waitFor = (p: CallPage, name: string, count = 1, timeoutMs = 10_000) =>
  eventually(() => callEvents(p, name), (e) => e.length >= count, timeoutMs, `${p.uid} ${name}`).then((e) => e[count - 1]!.call);

const screenMode = (p: CallPage) => p.page.evaluate(() => (window as any).screen.mode as string);
const activeCall = (p: CallPage) => p.page.evaluate(() => (window as any).Parley.ParleyRinging.getActiveCall());

function initiate(p: CallPage, receiverUid: string, type: 'audio' | 'video' = 'video'): Promise<any> {
  return p.page.evaluate(({ receiverUid, type }) => (window as any).Parley.ParleyRinging.initiateCall({ receiverUid, type }), { receiverUid, type });
}

async function logOf(sessionId: string): Promise<any> {
  const r = await http.get(`/v1/calls/${sessionId}`);
  expect(r.status).toBe(200);
  return r.body;
}

describe('a call that is answered', () => {
  it('rings, is accepted on the incoming screen, carries media both ways, and ends with the seed end sequence', async () => {
    const alice = await tab('alice');
    const bob = await tab('bob');
    const call = await initiate(alice, 'bob', 'video');
    expect(call).toMatchObject({ status: 'initiated', type: 'video', initiator: { uid: 'alice' }, receiver: { uid: 'bob' } });
    expect(await screenMode(alice)).toBe('outgoing');
    expect(await alice.page.locator('[data-parley-ringing] [data-control=cancel]').isVisible()).toBe(true);
    expect((await waitFor(bob, 'onIncomingCallReceived')).sessionId).toBe(call.sessionId);
    await eventually(() => screenMode(bob), (m) => m === 'incoming', 5_000, 'incoming screen');
    expect(await bob.page.locator('[data-parley-ringing] h2').textContent()).toBe('ALICE');

    await bob.page.locator('[data-parley-ringing] [data-control=accept]').click();
    expect((await waitFor(alice, 'onOutgoingCallAccepted')).status).toBe('ongoing');
    // Both screens hand the answered call to the app and hide.
    for (const p of [alice, bob]) {
      await eventually(() => p.page.evaluate(() => (window as any).accepted.length), (n) => n === 1, 5_000, `${p.uid} onAccepted`);
      expect(await screenMode(p)).toBe('hidden');
      expect(await activeCall(p)).toMatchObject({ sessionId: call.sessionId, status: 'ongoing' });
    }

    // Both join the call's session as a direct session.
    await startCall(alice, call.sessionId, { type: 'direct' });
    await startCall(bob, call.sessionId, { type: 'direct' });
    for (const p of [alice, bob]) {
      await eventually(() => stats(p), (s) => s.videoFramesDecoded > 0 && s.audioPacketsReceived > 0, 20_000, `${p.uid} media`);
    }
    expect(await alice.page.evaluate(() => (window as any).session.kind)).toBe('direct');
    expect((await logOf(call.sessionId)).status).toBe('ongoing');

    // The seed, caller side: onCallEndButtonPressed → endCall → clearActiveCall → endSession.
    await hangUpTheSeedWay(alice, call.sessionId);
    // The other side hears it twice: the ringing channel and its session.
    expect((await waitFor(bob, 'onCallEndedMessageReceived')).status).toBe('ended');
    await eventually(() => events(bob, 'onCallEnded'), (e) => e.length === 1, 10_000, 'bob onCallEnded');
    // The seed, remote side: onCallEnded → clearActiveCall → endSession.
    await leaveEndedCallTheSeedWay(bob);
    for (const p of [alice, bob]) {
      expect(await activeCall(p)).toBeNull();
      expect(await p.page.evaluate(() => (window as any).session.state)).toBe('ended');
    }
    const log = await eventually(() => logOf(call.sessionId), (l) => l.participants.every((x: any) => x.leftAt !== null), 10_000, 'log closed');
    expect(log).toMatchObject({ status: 'ended', type: 'video', kind: 'direct', initiator: { uid: 'alice' }, receiver: { uid: 'bob' } });
    expect(log.participants.map((x: any) => x.uid).sort()).toEqual(['alice', 'bob']);
    for (const x of log.participants) expect(x.durationSeconds).toBeGreaterThan(0);
    expect(log.durationSeconds).toBeGreaterThan(0);
    expect(log.videoMinutes).toBeGreaterThan(0);

    // And the user sees it in their own call log, newest first.
    const mine = await alice.page.evaluate(
      (authToken) => (window as any).Parley.ParleyRinging.getCallLogs({ authToken, limit: 5 }),
      alice.authToken,
    );
    expect(mine.items[0].sessionId).toBe(call.sessionId);
    const details = await bob.page.evaluate(
      ({ authToken, sessionId }) => (window as any).Parley.ParleyRinging.getCallDetails(sessionId, authToken),
      { authToken: bob.authToken, sessionId: call.sessionId },
    );
    expect(details.status).toBe('ended');
  });

  it('rings every tab of the receiver and stops the others when one answers', async () => {
    const carol = await tab('carol');
    const dave1 = await tab('dave');
    const dave2 = await tab('dave');
    const call = await initiate(carol, 'dave', 'audio');
    for (const p of [dave1, dave2]) {
      expect((await waitFor(p, 'onIncomingCallReceived')).sessionId).toBe(call.sessionId);
      await eventually(() => screenMode(p), (m) => m === 'incoming', 5_000, 'incoming screen');
    }
    await dave2.page.locator('[data-parley-ringing] [data-control=accept]').click();
    expect((await waitFor(carol, 'onOutgoingCallAccepted')).status).toBe('ongoing');
    const stopped = await waitFor(dave1, 'onIncomingCallCancelled');
    expect(stopped).toMatchObject({ sessionId: call.sessionId, status: 'ongoing' });
    await eventually(() => screenMode(dave1), (m) => m !== 'incoming', 5_000, 'other tab stops ringing');
    expect(await activeCall(dave1)).toBeNull();
    expect(await activeCall(dave2)).toMatchObject({ status: 'ongoing' });
    expect((await callEvents(dave2, 'onIncomingCallCancelled')).length).toBe(0);
    await carol.page.evaluate(() => (window as any).Parley.ParleyRinging.endCall());
    expect((await waitFor(dave2, 'onCallEndedMessageReceived')).status).toBe('ended');
    expect((await callEvents(dave1, 'onCallEndedMessageReceived')).length).toBe(0);
    expect((await logOf(call.sessionId)).status).toBe('ended');
  });
});

describe('a call that is not answered', () => {
  it('is declined on the incoming screen: the caller is told, the log says rejected', async () => {
    const erin = await tab('erin');
    const fred = await tab('fred');
    const call = await initiate(erin, 'fred', 'audio');
    await eventually(() => screenMode(fred), (m) => m === 'incoming', 10_000, 'incoming screen');
    await fred.page.locator('[data-parley-ringing] [data-control=decline]').click();
    expect((await waitFor(erin, 'onOutgoingCallRejected')).status).toBe('rejected');
    await eventually(() => screenMode(erin), (m) => m === 'outcome', 5_000, 'outcome shown');
    expect(await erin.page.locator('[data-parley-ringing] p').textContent()).toBe('Call declined');
    expect(await activeCall(erin)).toBeNull();
    expect(await screenMode(fred)).toBe('hidden');
    expect((await logOf(call.sessionId)).status).toBe('rejected');
  });

  it('is cancelled by the caller on the outgoing screen: the receiver stops ringing, the log says cancelled', async () => {
    const erin = await tab('erin');
    const fred = await tab('fred');
    const call = await initiate(erin, 'fred', 'video');
    await waitFor(fred, 'onIncomingCallReceived');
    await erin.page.locator('[data-parley-ringing] [data-control=cancel]').click();
    expect((await waitFor(fred, 'onIncomingCallCancelled')).status).toBe('cancelled');
    await eventually(() => screenMode(fred), (m) => m !== 'incoming', 5_000, 'receiver stops ringing');
    expect(await activeCall(erin)).toBeNull();
    expect((await logOf(call.sessionId)).status).toBe('cancelled');
  });

  it('is busy at once when the receiver is in a session, and when another call rings for them', async () => {
    const gina = await tab('gina');
    const hank = await tab('hank');
    const ivan = await tab('ivan');
    await startCall(hank, 'hank-meeting', { audioOnly: true });
    const toSession = await initiate(gina, 'hank', 'audio');
    expect(toSession.status).toBe('busy');
    expect((await waitFor(gina, 'onOutgoingCallRejected')).status).toBe('busy');
    expect(await callEvents(hank, 'onIncomingCallReceived')).toHaveLength(0);
    expect((await logOf(toSession.sessionId)).status).toBe('busy');
    await hank.page.evaluate(() => (window as any).Parley.ParleyCalls.endSession());

    const ringing = await initiate(gina, 'hank', 'audio');
    await waitFor(hank, 'onIncomingCallReceived');
    const second = await initiate(ivan, 'hank', 'video');
    expect(second.status).toBe('busy');
    expect((await waitFor(ivan, 'onOutgoingCallRejected')).status).toBe('busy');
    expect(await callEvents(hank, 'onIncomingCallReceived')).toHaveLength(1);
    await gina.page.evaluate((id) => (window as any).Parley.ParleyRinging.cancelCall(id), ringing.sessionId);
    expect((await logOf(second.sessionId)).status).toBe('busy');
  });

  it('gives up after the ring timeout: both are told, the log says unanswered', async () => {
    const jane = await tab('jane');
    const karl = await tab('karl');
    const call = await initiate(jane, 'karl', 'audio');
    await waitFor(karl, 'onIncomingCallReceived');
    const rejected = await waitFor(jane, 'onOutgoingCallRejected', 1, RING_TIMEOUT_MS + 5_000);
    expect(rejected.status).toBe('unanswered');
    expect((await waitFor(karl, 'onIncomingCallCancelled')).status).toBe('unanswered');
    expect(await activeCall(jane)).toBeNull();
    expect(await jane.page.locator('[data-parley-ringing] p').textContent()).toBe('No answer');
    expect((await logOf(call.sessionId)).status).toBe('unanswered');
  });
});

describe('the demo app', () => {
  /** The demo at `/`, logged in with a name; returns the page and its uid. */
  async function demo(name: string): Promise<CallPage> {
    const context = await stack.browser.newContext({ permissions: ['camera', 'microphone'] });
    await context.addInitScript(PAGE_INIT_SCRIPT);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[${name} pageerror]`, e.message));
    await page.goto(`${stack.url}/`);
    await page.locator('#name').fill(name);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('#lobby').waitFor({ state: 'visible' });
    const uid = await eventually(() => page.locator('#my-uid').textContent(), (t) => !!t, 5_000, 'my uid');
    const p = { page, context, uid: uid!, authToken: '' };
    open.push(p);
    return p;
  }

  it('calls another user by uid, rings with the incoming screen, and lists the call in recent calls', async () => {
    const lena = await demo('Lena');
    const mark = await demo('Mark');
    await lena.page.locator('#dial-uid').fill(mark.uid);
    await lena.page.locator('#dial-form button[data-type=audio]').click();
    await mark.page.locator('[data-parley-ringing] [data-control=accept]').click();
    for (const p of [lena, mark]) {
      await p.page.locator('#call-view').waitFor({ state: 'visible' });
      await eventually(
        () => p.page.evaluate(() => document.getElementById('call-view')!.shadowRoot?.querySelectorAll('[data-tile]').length ?? 0),
        (n) => n === 2,
        20_000,
        `${p.uid} sees both`,
      );
    }
    await lena.page.locator('#leave').click();
    for (const p of [lena, mark]) {
      await p.page.locator('#lobby').waitFor({ state: 'visible', timeout: 10_000 });
      const first = p.page.locator('#recent li').first();
      await eventually(() => first.getAttribute('data-status'), (s) => s === 'ended', 10_000, `${p.uid} recent call ended`);
      expect(await first.textContent()).toContain(p === lena ? 'Mark' : 'Lena');
    }
  });
});
