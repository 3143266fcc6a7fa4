/**
 * A leave across Janus nodes, then a join, in Chromium: Ann on node 1, Bob on node 2,
 * then Dan on node 1 once Ann has left — Bob must receive Dan. Two things drop Ann's
 * streams from Bob's subscriber on node 2, racing: our own unsubscribe (the session,
 * after her leave) and her copy there being removed (remove_remote_publisher, when
 * her publisher's handle is detached), on which Janus renegotiates Bob's subscriber
 * by itself and holds every later change of it until that offer is answered. The
 * session forwards Janus's offer to Bob's page (SubscriptionManager.offerChange).
 * In the runs recorded our unsubscribe reached node 2 first (and Janus then offered
 * nothing itself); Janus's own path is pinned by media/janus-subscriber.int.test.ts.
 */
import { type JanusNodes, startJanusNodes } from '@parley/server/testing/janus-nodes';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { decoding, framesRising } from './cluster-stack.ts';
import { type CallPage, eventually, events, openCallPage, type Stack, startCall, startStack } from './harness.ts';

let nodes: JanusNodes;
let stack: Stack;

beforeAll(async () => {
  nodes = await startJanusNodes(2);
  stack = await startStack({
    JANUS_URLS: nodes.urls.join(','),
    JANUS_ADMIN_KEY: nodes.adminKey,
    PARLEY_NODE_PARTICIPANTS: '2',
    PARLEY_TEST_NODE_HINTS: 'ann=0,bob=1,dan=0',
  });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await nodes?.stop();
});

async function join(uid: string): Promise<CallPage> {
  const call = await openCallPage(stack, uid);
  await startCall(call, 'span-leave');
  return call;
}

describe('a session spanning two Janus nodes, someone leaving', () => {
  it('Bob on node 2 receives Dan, who joins on node 1 after Ann left it', async () => {
    const ann = await join('ann');
    const bob = await join('bob');
    await decoding(bob, 1);

    await ann.page.evaluate(() => (window as any).session.endSession());
    await ann.context.close();
    await eventually(() => events(bob, 'onUserLeft'), (e) => e.length === 1, 10_000, "Bob told of Ann's leave");

    const dan = await join('dan');
    await decoding(dan, 1);
    // Ann is gone: video frames still rising on Bob's page are Dan's.
    await framesRising(bob);
    for (const call of [bob, dan]) await call.context.close();
  }, 120_000);
});
