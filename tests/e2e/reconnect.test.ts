/**
 * The signaling socket drops mid-call: the SDK resumes on a new one within
 * the server's grace period. Nobody sees a leave or a join, media keeps
 * flowing (it never went through the socket), and what changed while the
 * socket was down reaches the one who was away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, events, openCallPage, type Stack, startCall, startStack, stats } from './harness.ts';

let stack: Stack;
beforeAll(async () => {
  // Long enough for the second test's outage: Eve's page loads, joins and decodes two videos meanwhile, which took
  // more than 8 s on a slow CI machine (Cyd's grace ran out: Dee saw her leave, Eve saw one video).
  stack = await startStack({ PARLEY_RECONNECT_GRACE_MS: '20000' });
});
afterAll(async () => {
  await stack?.close();
});

/**
 * Joins with the page's WebSockets under test control: `__dropSocket()` cuts the current one, `__offline` refuses new
 * ones. Its SDK tries to resume for a minute, not the default 10 s: the server's grace is the clock these tests are
 * about. With the default, a page that was offline while Eve's page loaded and joined (more than 10 s on a loaded CI
 * machine) gave up and left, and Eve never received its media.
 */
async function joinControllable(uid: string, sessionId: string): Promise<CallPage> {
  const call = await openCallPage(stack, uid);
  await call.page.evaluate(() => {
    const w = window as any;
    const { ParleyCalls, BackoffReconnectPolicy } = w.Parley;
    ParleyCalls.init({ serverUrl: location.origin, reconnectPolicy: new BackoffReconnectPolicy({ giveUpAfterMs: 60_000 }) });
    const Real = WebSocket;
    w.__sockets = [];
    w.__offline = false;
    w.WebSocket = function ControlledWebSocket(url: string, protocols?: string | string[]) {
      const socket = new Real(url, protocols);
      // Offline: the connection fails before it opens (error, then close 1006), as with no network.
      if (w.__offline) socket.close();
      w.__sockets.push(socket);
      return socket;
    } as unknown as typeof WebSocket;
    w.WebSocket.prototype = Real.prototype;
    Object.assign(w.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    w.__dropSocket = () => w.__sockets.at(-1).close();
  });
  await startCall(call, sessionId);
  return call;
}

const framesRising = async (call: CallPage, streams = 1) => {
  const first = await eventually(() => stats(call), (s) => s.inboundVideoStreams >= streams, 20_000, `${call.uid} decoding ${streams}`);
  await eventually(() => stats(call), (s) => s.videoFramesDecoded > first.videoFramesDecoded + 10, 10_000, `${call.uid}'s frames rising`);
};

describe('a dropped signaling socket', () => {
  it('is resumed: nobody sees a leave, media flows on, and signaling works again', async () => {
    const ann = await joinControllable('ann', 'resume-1');
    const ben = await joinControllable('ben', 'resume-1');
    await framesRising(ann);
    await framesRising(ben);

    await ann.page.evaluate(() => (window as any).__dropSocket());
    await eventually(() => events(ann, 'onReconnected'), (e) => e.length === 1, 10_000, 'ann reconnected');
    expect((await events(ann, 'onReconnecting')).length).toBe(1);
    expect(await ann.page.evaluate(() => (window as any).session.state)).toBe('joined');
    expect(await events(ann, 'onError')).toEqual([]);

    await framesRising(ann);
    await framesRising(ben);
    await ann.page.evaluate(() => (window as any).session.audioMuted(true));
    const muted = await eventually(() => events(ben, 'onUserMuted'), (e) => e.length === 1, 5_000, 'the mute after resuming');
    expect(muted[0]?.payload).toMatchObject({ muted: { uid: 'ann' }, isAudioMuted: true });
    expect(await events(ben, 'onUserLeft')).toEqual([]);
    expect((await events(ben, 'onUserJoined')).length).toBe(0); // ben joined after ann: he never saw her join, nor again

    for (const p of [ann, ben]) await p.context.close();
  });

  it('catches up on who joined while it was down, and receives their media', async () => {
    const cyd = await joinControllable('cyd', 'resume-2');
    const dee = await joinControllable('dee', 'resume-2');
    await framesRising(cyd);

    await cyd.page.evaluate(() => {
      (window as any).__offline = true;
      (window as any).__dropSocket();
    });
    await eventually(() => cyd.page.evaluate(() => (window as any).session.state), (s) => s === 'reconnecting', 5_000, 'cyd reconnecting');
    const eve = await joinControllable('eve', 'resume-2');
    await framesRising(eve, 2); // eve sees cyd and dee: cyd is still in the call for everyone
    expect((await events(dee, 'onUserLeft')).length).toBe(0);

    await cyd.page.evaluate(() => {
      (window as any).__offline = false;
    });
    await eventually(() => events(cyd, 'onReconnected'), (e) => e.length === 1, 10_000, 'cyd reconnected');
    expect((await events(cyd, 'onUserJoined')).map((e) => e.payload.uid)).toContain('eve');
    await framesRising(cyd, 2); // dee's and eve's video
    expect((await events(dee, 'onUserLeft')).length).toBe(0);
    expect((await events(eve, 'onUserLeft')).length).toBe(0);

    for (const p of [cyd, dee, eve]) await p.context.close();
  });

  it("whose client gave up while offline: it stays for its grace, and a newcomer meanwhile receives everyone else's media", async () => {
    const fay = await joinControllable('fay', 'resume-3');
    const gus = await joinControllable('gus', 'resume-3');
    await framesRising(gus);
    // Fay's SDK gives up resuming while she is offline (the default policy does after 10 s): it closes her peer
    // connections, and no leave reaches the server. Her publisher hangs up in Janus at once.
    await fay.page.evaluate(() => {
      const w = window as any;
      w.__offline = true;
      w.__dropSocket();
      const { publisher, subscriber } = w.session.getPeerConnections();
      publisher?.close();
      subscriber?.close();
    });
    const hal = await joinControllable('hal', 'resume-3');
    await framesRising(hal); // gus's video (fay's publisher hung up: nothing of hers to receive)
    expect((await events(gus, 'onUserLeft')).length).toBe(0); // fay is still within her grace
    const roster = await hal.page.evaluate(() => (window as any).session.getParticipants().map((u: { uid: string }) => u.uid));
    expect(roster.sort()).toEqual(['fay', 'gus', 'hal']);
    for (const p of [fay, gus, hal]) await p.context.close();
  });
});
