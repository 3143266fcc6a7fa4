/**
 * Ringing across processes (issue 17.2): two pretend processes share one bus,
 * one lease table and one call log. Ann's channel is on process 1 (her calls
 * live there), Bob's on process 2 — and, for the two-tab stories, on both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type PretendClient, PretendCluster, type PretendProcess } from '../testing/pretend-cluster.ts';

let cluster: PretendCluster;
afterEach(() => cluster.close());

async function loggedIn(on: PretendProcess, uid: string): Promise<PretendClient> {
  const channel = on.connect();
  expect((await channel.request('user.login', { authToken: uid })).ok).toBe(true);
  return channel;
}

/** Ann on process 1 calls Bob, whose channel is on process 2; Bob's phone rings. */
async function annCallsBob() {
  cluster = new PretendCluster();
  const [one, two] = [await cluster.process(), await cluster.process()] as [PretendProcess, PretendProcess];
  const ann = await loggedIn(one, 'ann');
  const bob = await loggedIn(two, 'bob');
  const initiated = await ann.request('call.initiate', { receiverUid: 'bob', type: 'video' });
  const sessionId = initiated.result.call.sessionId as string;
  await expect.poll(() => bob.events('call.incoming').map((e) => e.call.sessionId)).toEqual([sessionId]);
  return { one, two, ann, bob, sessionId };
}

const logOf = (sessionId: string) => cluster.callLog.calls.get(sessionId);

describe('a call from a user on process 1 to a user on process 2', () => {
  it('rings there, and is accepted there: the caller hears it, the call log says ongoing', async () => {
    const { ann, bob, sessionId } = await annCallsBob();

    const accepted = await bob.request('call.accept', { sessionId });

    expect(accepted.result.call).toMatchObject({ sessionId, status: 'ongoing' });
    await expect.poll(() => ann.events('call.accepted').map((e) => e.call.status)).toEqual(['ongoing']);
    expect(logOf(sessionId)?.status).toBe('ongoing');
  });

  it("stops ringing on the receiver's other tabs, on any process, when one accepts", async () => {
    const { one, bob, sessionId } = await annCallsBob();
    const bobOnOne = await loggedIn(one, 'bob');

    await bob.request('call.accept', { sessionId });

    await expect.poll(() => bobOnOne.events('call.cancelled').map((e) => e.call.sessionId)).toEqual([sessionId]);
    expect(bob.events('call.cancelled')).toEqual([]);
  });

  it('is rejected there: the caller hears it, the call log says rejected', async () => {
    const { ann, bob, sessionId } = await annCallsBob();

    await bob.request('call.reject', { sessionId, reason: 'rejected' });

    await expect.poll(() => ann.events('call.rejected').map((e) => e.call.status)).toEqual(['rejected']);
    expect(logOf(sessionId)?.status).toBe('rejected');
  });

  it('is cancelled by the caller: it stops ringing there', async () => {
    const { ann, bob, sessionId } = await annCallsBob();

    await ann.request('call.cancel', { sessionId });

    await expect.poll(() => bob.events('call.cancelled').map((e) => e.call.status)).toEqual(['cancelled']);
    expect(logOf(sessionId)?.status).toBe('cancelled');
  });

  it('is ended by either side, the other told, once', async () => {
    const { ann, bob, sessionId } = await annCallsBob();
    await bob.request('call.accept', { sessionId });

    const ended = await bob.request('call.end', { sessionId });

    expect(ended.result.call.status).toBe('ended');
    await expect.poll(() => ann.events('call.ended').map((e) => e.by)).toEqual(['bob']);
    expect(bob.events('call.ended')).toEqual([]);
    expect(logOf(sessionId)).toMatchObject({ status: 'ended', reason: 'call-ended' });
    expect((await bob.request('call.end', { sessionId })).error?.code).toBe('CALL_NOT_FOUND');
  });

  it('tells the receiver when the caller ends it', async () => {
    const { ann, bob, sessionId } = await annCallsBob();
    await bob.request('call.accept', { sessionId });

    await ann.request('call.end', { sessionId });

    await expect.poll(() => bob.events('call.ended').map((e) => e.by)).toEqual(['ann']);
  });

  it('stays ongoing while its session lives on another process, and ends with it', async () => {
    const { two, bob, sessionId } = await annCallsBob();
    await bob.request('call.accept', { sessionId });
    const inCall = two.connect();
    await inCall.request('join', { sessionId, token: await cluster.token('bob', sessionId) });

    await new Promise((r) => setTimeout(r, 1_300)); // past the join grace
    expect(logOf(sessionId)?.status).toBe('ongoing');
    await two.registry.get(sessionId)?.end('call-ended');

    await expect.poll(() => logOf(sessionId)).toMatchObject({ status: 'ended', reason: 'session-ended' });
  });
});

describe('a user channel opened while a call rings them from another process', () => {
  it('lists the call at login, and can accept it', async () => {
    cluster = new PretendCluster();
    const [one, two] = [await cluster.process(), await cluster.process()] as [PretendProcess, PretendProcess];
    const carol = await loggedIn(two, 'carol');
    const initiated = await carol.request('call.initiate', { receiverUid: 'bob', type: 'audio' });
    const sessionId = initiated.result.call.sessionId;

    const bob = one.connect();
    const login = await bob.request('user.login', { authToken: 'bob' });

    expect(login.result.ringing.map((c: { sessionId: string }) => c.sessionId)).toEqual([sessionId]);
    expect((await bob.request('call.accept', { sessionId })).result.call.status).toBe('ongoing');
    await expect.poll(() => carol.events('call.accepted').length).toBe(1);
  });
});

describe('a call to a user busy on another process', () => {
  it('is answered busy when the receiver is in a session owned by another process', async () => {
    cluster = new PretendCluster();
    const [one, two] = [await cluster.process(), await cluster.process()] as [PretendProcess, PretendProcess];
    const ann = await loggedIn(one, 'ann');
    const bob = await loggedIn(two, 'bob');
    await two.connect().request('join', { sessionId: 'meeting', token: await cluster.token('bob', 'meeting') });

    const initiated = await ann.request('call.initiate', { receiverUid: 'bob', type: 'audio' });

    expect(initiated.result.call.status).toBe('busy');
    expect(logOf(initiated.result.call.sessionId)?.status).toBe('busy');
    await new Promise((r) => setTimeout(r, 50));
    expect(bob.events('call.incoming')).toEqual([]);
  });

  it('is answered busy when a call to the receiver rings from another process', async () => {
    cluster = new PretendCluster();
    const [one, two] = [await cluster.process(), await cluster.process()] as [PretendProcess, PretendProcess];
    const ann = await loggedIn(one, 'ann');
    const carol = await loggedIn(two, 'carol');
    await loggedIn(two, 'bob');
    await carol.request('call.initiate', { receiverUid: 'bob', type: 'audio' });

    const initiated = await ann.request('call.initiate', { receiverUid: 'bob', type: 'audio' });

    expect(initiated.result.call.status).toBe('busy');
  });
});
