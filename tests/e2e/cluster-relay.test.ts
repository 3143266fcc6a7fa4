/**
 * Any process takes any client (issue 17.2), end to end on the local cluster
 * (two server processes, two Janus nodes, Redis, PostgreSQL, haproxy): A's
 * SDK connects to process 1, which then owns the session, B's to process 2,
 * which relays B to it; C comes through the load balancer. Media, joins,
 * leaves, mute and recording behave as on one process.
 */
import type { ServerProcess } from '@parley/server/testing/server-process';
import { describe, expect, it } from 'vitest';
import { decoding, framesRising, useLocalCluster } from './cluster-stack.ts';
import { type CallPage, eventually, events, openCallPage, startCall } from './harness.ts';

const stack = useLocalCluster({ PARLEY_RECONNECT_GRACE_MS: '3000' });
const pages: CallPage[] = [];

/** `uid` in `sessionId`, its SDK connected to `url` (a process, or the load balancer). */
async function join(url: string, uid: string, sessionId: string, settings: Parameters<typeof startCall>[2] = {}): Promise<CallPage> {
  const call = await openCallPage({ url, browser: stack.browser }, uid, uid.toUpperCase());
  pages.push(call);
  await startCall(call, sessionId, settings);
  return call;
}

const uidsOf = async (call: CallPage, name: string) => (await events(call, name)).map((e) => e.payload.uid ?? e.payload.muted?.uid);

describe('a session with A on process 1 and B on process 2', () => {
  it('carries media both ways, shows joins, mute, recording and leaves, and C through the load balancer sees everyone', async () => {
    const [one, two] = stack.cluster.servers as readonly [ServerProcess, ServerProcess];
    const a = await join(one.url, 'ann', 'relay-1');
    const b = await join(two.url, 'ben', 'relay-1');

    await decoding(a, 1);
    await decoding(b, 1);
    await framesRising(a);
    await framesRising(b);
    expect(await uidsOf(a, 'onUserJoined')).toEqual(['ben']);

    await b.page.evaluate(() => (window as any).session.audioMuted(true));
    const muted = await eventually(() => events(a, 'onUserMuted'), (e) => e.length === 1, 10_000, 'ann told ben muted');
    expect(muted[0]?.payload).toMatchObject({ muted: { uid: 'ben' }, isAudioMuted: true, mutedBy: 'ben' });
    await a.page.evaluate(() => (window as any).session.videoPaused(true));
    await eventually(() => events(b, 'onUserMuted'), (e) => e.some((m) => m.payload.muted.uid === 'ann'), 10_000, 'ben told ann paused her video');
    await a.page.evaluate(() => (window as any).session.videoPaused(false));

    // Recording, started by the relayed one: both hear of it, and the owner makes the file.
    await b.page.evaluate(() => (window as any).session.startRecording());
    const started = await eventually(() => events(a, 'onRecordingToggled'), (e) => e.length === 1, 10_000, 'ann told of the recording');
    expect(started[0]?.payload).toMatchObject({ recording: true, by: { uid: 'ben' } });
    await eventually(() => events(b, 'onRecordingToggled'), (e) => e.length === 1, 10_000, 'ben told of the recording');
    await new Promise((r) => setTimeout(r, 3_000));
    await a.page.evaluate(() => (window as any).session.stopRecording());
    await eventually(() => events(b, 'onRecordingToggled'), (e) => e[1]?.payload.recording === false, 10_000, 'ben told of the stop');
    const recordingId = started[0]?.payload.recordingId as string;
    const recording = await eventually(
      () => fetch(`${one.url}/v1/recordings/${recordingId}`, { headers: { authorization: `Bearer ${stack.cluster.apiKey}` } }).then((r) => r.json()),
      (r: any) => r.status === 'ready' || r.status === 'failed',
      90_000,
      'the recording job',
    );
    expect(recording).toMatchObject({ status: 'ready', startedBy: { uid: 'ben' } });

    // C comes through the load balancer, onto either process.
    const c = await join(stack.cluster.url, 'cat', 'relay-1');
    await decoding(c, 2);
    await decoding(a, 2);
    await decoding(b, 2);
    // C had the list in its join; the others are told.
    for (const call of [a, b]) {
      const lists = await eventually(() => events(call, 'onUserListChanged'), (l) => l.at(-1)?.payload.length === 3, 10_000, `${call.uid} sees three`);
      expect(lists.at(-1)?.payload.map((u: { uid: string }) => u.uid).sort()).toEqual(['ann', 'ben', 'cat']);
    }

    await b.page.evaluate(() => (window as any).session.endSession());
    for (const call of [a, c]) await eventually(() => uidsOf(call, 'onUserLeft'), (l) => l.includes('ben'), 10_000, `${call.uid} sees ben leave`);
    await framesRising(a);
    await framesRising(c);
    expect(await uidsOf(a, 'onUserLeft')).toEqual(['ben']);
  }, 240_000);

  it('warns a relayed participant left alone that the session idles out, and ends it for them', async () => {
    const [one, two] = stack.cluster.servers as readonly [ServerProcess, ServerProcess];
    const eve = await join(one.url, 'eve', 'relay-idle');
    const dan = await join(two.url, 'dan', 'relay-idle', { setters: { setIdleTimeoutPeriod: 5 } });
    await decoding(dan, 1);

    await eve.page.evaluate(() => (window as any).session.endSession());

    const warnings = await eventually(() => events(dan, 'onIdleWarning'), (e) => e.length > 0, 10_000, "dan's idle warning");
    expect(warnings[0]?.payload.secondsLeft).toBeLessThanOrEqual(5);
    await eventually(() => events(dan, 'onSessionTimeout'), (e) => e.length === 1, 15_000, "dan's session timing out");
    expect(await dan.page.evaluate(() => (window as any).session.state)).toBe('ended');
  }, 60_000);
});
