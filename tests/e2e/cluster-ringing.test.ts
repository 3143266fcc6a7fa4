/**
 * Ringing across processes (issue 17.2), end to end on the local cluster:
 * Alice's SDK is connected to process 1, Bob's to process 2. Alice's call
 * rings Bob's user channel over the bus, Bob accepts through the SDK's API,
 * both join the call's session (one of them relayed to its owner), media
 * flows, and the seed's end sequence ends it; the call log has it right.
 */
import type { ServerProcess } from '@parley/server/testing/server-process';
import { describe, expect, it } from 'vitest';
import { useLocalCluster } from './cluster-stack.ts';
import { type CallPage, eventually, events, openCallPage, startCall, stats } from './harness.ts';
import { hangUpTheSeedWay, leaveEndedCallTheSeedWay } from './seed-end.ts';

const stack = useLocalCluster();

const CALL_EVENTS = ['onIncomingCallReceived', 'onOutgoingCallAccepted', 'onOutgoingCallRejected', 'onIncomingCallCancelled', 'onCallEndedMessageReceived'];

/** `uid` with the SDK connected to `server`, logged in to its user channel, keeping every call event. */
async function loggedIn(server: ServerProcess, uid: string): Promise<CallPage> {
  const p = await openCallPage({ url: server.url, browser: stack.browser }, uid, uid.toUpperCase());
  await p.page.evaluate(
    async ({ authToken, names }) => {
      const w = window as any;
      w.callEvents = [];
      w.Parley.ParleyRinging.addCallListener('test', Object.fromEntries(names.map((n: string) => [n, (call: unknown) => w.callEvents.push({ name: n, call: JSON.parse(JSON.stringify(call)) })])));
      await w.Parley.ParleyRinging.login(authToken);
    },
    { authToken: p.authToken, names: CALL_EVENTS },
  );
  return p;
}

const heard = (p: CallPage, name: string, timeoutMs = 10_000) =>
  eventually(() => p.page.evaluate((n) => (window as any).callEvents.filter((e: { name: string }) => e.name === n), name), (e) => e.length > 0, timeoutMs, `${p.uid} ${name}`).then((e) => e[0].call);

async function callLog(sessionId: string): Promise<any> {
  const r = await fetch(`${stack.cluster.url}/v1/calls/${sessionId}`, { headers: { authorization: `Bearer ${stack.cluster.apiKey}` } });
  expect(r.status).toBe(200);
  return r.json();
}

describe('a call from a user on process 1 to a user on process 2', () => {
  it('rings, is accepted, carries media both ways, ends with the seed end sequence, and the call log has it', async () => {
    const [one, two] = stack.cluster.servers as readonly [ServerProcess, ServerProcess];
    const alice = await loggedIn(one, 'alice');
    const bob = await loggedIn(two, 'bob');

    const call = await alice.page.evaluate(() => (window as any).Parley.ParleyRinging.initiateCall({ receiverUid: 'bob', type: 'video' }));
    expect((await heard(bob, 'onIncomingCallReceived')).sessionId).toBe(call.sessionId);
    await bob.page.evaluate((sessionId) => (window as any).Parley.ParleyRinging.acceptCall(sessionId), call.sessionId);
    expect((await heard(alice, 'onOutgoingCallAccepted')).status).toBe('ongoing');

    await startCall(alice, call.sessionId, { type: 'direct' });
    await startCall(bob, call.sessionId, { type: 'direct' });
    for (const p of [alice, bob]) {
      const first = await eventually(() => stats(p), (s) => s.videoFramesDecoded > 0 && s.audioPacketsReceived > 0, 20_000, `${p.uid} media`);
      await eventually(() => stats(p), (s) => s.videoFramesDecoded > first.videoFramesDecoded + 10, 10_000, `${p.uid}'s frames rising`);
    }
    expect((await callLog(call.sessionId)).status).toBe('ongoing');

    // The seed, caller side: endCall → clearActiveCall → endSession.
    await hangUpTheSeedWay(alice, call.sessionId);
    expect((await heard(bob, 'onCallEndedMessageReceived')).status).toBe('ended');
    await eventually(() => events(bob, 'onCallEnded'), (e) => e.length === 1, 10_000, 'bob onCallEnded');
    // The seed, remote side: onCallEnded → clearActiveCall → endSession.
    await leaveEndedCallTheSeedWay(bob);

    const log = await eventually(() => callLog(call.sessionId), (l) => l.participants.length === 2 && l.participants.every((x: any) => x.leftAt !== null), 10_000, 'the call log closed');
    expect(log).toMatchObject({ status: 'ended', type: 'video', kind: 'direct', initiator: { uid: 'alice' }, receiver: { uid: 'bob' } });
    expect(log.participants.map((x: any) => x.uid).sort()).toEqual(['alice', 'bob']);
    for (const x of log.participants) expect(x.durationSeconds).toBeGreaterThan(0);
  }, 120_000);
});
