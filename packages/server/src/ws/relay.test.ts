/**
 * Any process takes any client (issue 17.2): two pretend processes share one
 * bus and one lease table. The session lives on the process where its first
 * join arrived; a client of the other one is relayed there, and is a
 * participant like any other.
 */
import { CLOSE_CODES } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { PretendCluster, type PretendProcess } from '../testing/pretend-cluster.ts';

let cluster: PretendCluster;
afterEach(() => cluster.close());

/** Ann joins on process 1 (which then owns the session), Bob on process 2. */
async function annAndBobOnTwoProcesses() {
  cluster = new PretendCluster();
  const [one, two] = [await cluster.process(), await cluster.process()] as [PretendProcess, PretendProcess];
  const ann = one.connect();
  const annJoined = await ann.request('join', { sessionId: 's1', token: await cluster.token('ann') });
  const bob = two.connect();
  const bobJoined = await bob.request('join', { sessionId: 's1', token: await cluster.token('bob') });
  return { one, two, ann, bob, annJoined, bobJoined };
}

describe('a client whose session another process owns', () => {
  it("joins there: it meets who is in, they meet it, and the session lives on the owner only", async () => {
    const { one, two, ann, bobJoined } = await annAndBobOnTwoProcesses();

    expect(bobJoined.ok).toBe(true);
    expect(bobJoined.result.participants.map((p: { uid: string }) => p.uid)).toEqual(['ann']);
    await expect.poll(() => ann.events('participant.joined').map((e) => e.participant.uid)).toEqual(['bob']);
    expect([...(one.registry.get('s1')?.participants.keys() ?? [])]).toEqual(['ann', 'bob']);
    expect(two.registry.get('s1')).toBeUndefined();
    expect(cluster.leases.owners.get('s1')).toBe(one.processId);
  });

  it('has its requests answered by the owner, and hears the owner’s events', async () => {
    const { ann, bob } = await annAndBobOnTwoProcesses();

    const muted = await bob.request('mute', { audioMuted: true });
    await ann.request('mute', { videoMuted: true });

    expect(muted.result.participant).toMatchObject({ uid: 'bob', isAudioMuted: true });
    await expect.poll(() => ann.events('participant.muted').map((e) => e.participant.uid)).toEqual(['bob']);
    await expect.poll(() => bob.events('participant.muted').map((e) => [e.participant.uid, e.participant.isVideoMuted])).toEqual([['ann', true]]);
  });

  it('stays in the session for the grace when its socket drops, and resumes on either process unseen by the others', async () => {
    const { one, two, ann, bob, bobJoined } = await annAndBobOnTwoProcesses();
    const session = one.registry.get('s1');

    bob.drop();
    await expect.poll(() => session?.participants.get('bob')?.state).toBe('disconnected');
    const back = two.connect();
    const resumed = await back.request('resume', { resumeToken: bobJoined.result.resumeToken });

    expect(resumed.ok).toBe(true);
    expect(session?.participants.get('bob')?.state).toBe('joined');
    await back.request('mute', { audioMuted: true });
    await expect.poll(() => ann.events('participant.muted').length).toBe(1);
    expect(ann.events('participant.left')).toEqual([]);

    // Again, now on the owner's own process.
    back.drop();
    await expect.poll(() => session?.participants.get('bob')?.state).toBe('disconnected');
    const onOwner = one.connect();
    expect((await onOwner.request('resume', { resumeToken: bobJoined.result.resumeToken })).ok).toBe(true);
    expect(session?.participants.get('bob')?.state).toBe('joined');
  });

  it('is closed where it was when the same participant resumes on another socket', async () => {
    const { two, bob, bobJoined } = await annAndBobOnTwoProcesses();

    const second = two.connect();
    await second.request('resume', { resumeToken: bobJoined.result.resumeToken });

    await expect.poll(() => bob.closedWith).toBe(CLOSE_CODES.sessionEnded);
  });

  it('leaves: the others see it go, and its socket is free for another join', async () => {
    const { one, ann, bob } = await annAndBobOnTwoProcesses();

    expect((await bob.request('leave')).ok).toBe(true);

    await expect.poll(() => ann.events('participant.left').map((e) => e.participant.uid)).toEqual(['bob']);
    expect(one.registry.get('s1')?.participants.has('bob')).toBe(false);
    expect((await bob.request('join', { sessionId: 's1', token: await cluster.token('bob') })).ok).toBe(true);
  });

  it('hears the session end, and its socket is closed', async () => {
    const { one, bob } = await annAndBobOnTwoProcesses();

    await one.registry.get('s1')?.end('call-ended');

    await expect.poll(() => bob.events('session.ended')).toEqual([{ reason: 'call-ended' }]);
    expect(bob.closedWith).toBe(CLOSE_CODES.sessionEnded);
  });

  it('is closed so that its client resumes when the owner is gone (its lease lapsed, or another process took it)', async () => {
    const { bob } = await annAndBobOnTwoProcesses();

    cluster.leases.owners.delete('s1'); // process 1 died: its lease lapsed

    await expect.poll(() => bob.closedWith).toBe(CLOSE_CODES.ownerLost);
    expect(bob.events('session.ended')).toEqual([]);
  });

  it('leaves after the grace when the process its socket was on dies, as if its socket closed', async () => {
    const { one, two, ann } = await annAndBobOnTwoProcesses();

    await two.kill();

    await expect.poll(() => one.registry.get('s1')?.participants.get('bob')?.state).toBe('disconnected');
    await expect.poll(() => ann.events('participant.left').map((e) => [e.participant.uid, e.reason])).toEqual([['bob', 'disconnected']]);
  });

  it('is told SESSION_ENDED when it resumes into a session that ended, on any process', async () => {
    const { one, two, bobJoined } = await annAndBobOnTwoProcesses();
    await one.registry.get('s1')?.end('call-ended');
    await expect.poll(() => cluster.leases.owners.has('s1')).toBe(false);

    const back = two.connect();

    expect((await back.request('resume', { resumeToken: bobJoined.result.resumeToken })).error?.code).toBe('SESSION_ENDED');
  });

  it('finds no owner once the session ended and its lease went: a join then starts it anew where it arrives', async () => {
    const { one, two, bob } = await annAndBobOnTwoProcesses();
    await one.registry.get('s1')?.end('call-ended');
    await expect.poll(() => cluster.leases.owners.has('s1')).toBe(false);

    const again = two.connect();
    expect((await again.request('join', { sessionId: 's1', token: await cluster.token('bob') })).ok).toBe(true);

    expect(cluster.leases.owners.get('s1')).toBe(two.processId);
    expect(bob.closedWith).toBe(CLOSE_CODES.sessionEnded);
  });
});
