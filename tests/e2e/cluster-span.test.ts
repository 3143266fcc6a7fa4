/**
 * One session across two Janus nodes (issue 17.7), in Chromium: one server with
 * two nodes (JANUS_URLS) and the test-only placement hint putting Ann on node 1
 * and Bob and Cat on node 2. Everyone sees everyone (frames decoded, rising), and a
 * video from the other node shows its first frame within 1 s of its track reaching
 * the page on a connection that is up — Cat's too, who joins once the others'
 * encoders have settled: her first frame of Ann's video needs a key frame from Ann
 * on node 1 (the server asks Ann's publisher when Cat's subscriber connects; node
 * 2's own requests reach her through the forwarder's RTCP port).
 * Cat's own video, from an encoder just started, gets 3 s at the others.
 */
import { type JanusNodes, startJanusNodes } from '@parley/server/testing/janus-nodes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decoding, framesRising } from './cluster-stack.ts';
import { expectSpanFirstFrames, watchFirstFrames } from './first-frames.ts';
import { type CallPage, openCallPage, type Stack, startCall, startStack } from './harness.ts';

let nodes: JanusNodes;
let stack: Stack;

beforeAll(async () => {
  nodes = await startJanusNodes(2);
  stack = await startStack({
    JANUS_URLS: nodes.urls.join(','),
    JANUS_ADMIN_KEY: nodes.adminKey,
    PARLEY_NODE_PARTICIPANTS: '2',
    PARLEY_TEST_NODE_HINTS: 'ann=0,bob=1,cat=1',
  });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await nodes?.stop();
});

async function join(uid: string): Promise<CallPage> {
  const call = await openCallPage(stack, uid);
  await watchFirstFrames(call);
  await startCall(call, 'span-1');
  return call;
}

describe('a session spanning two Janus nodes', () => {
  it('lets everyone see everyone, the first frame from the other node within 1 s', async () => {
    const ann = await join('ann');
    const bob = await join('bob');
    const room = stack.server.registry?.get('span-1')?.room as { nodes?: string[] } | undefined;
    expect(room?.nodes).toEqual(nodes.urls);
    await decoding(ann, 1);
    await decoding(bob, 1);
    // Past the encoders' first seconds (their own key frames while they ramp up).
    await new Promise((resolve) => setTimeout(resolve, 6_000));

    const cat = await join('cat');
    for (const call of [ann, bob, cat]) {
      await decoding(call, 2);
      await framesRising(call);
    }

    // Ann (node 1) gets Bob's and Cat's videos from node 2; Bob and Cat get Ann's from node 1.
    await expectSpanFirstFrames(cat, [ann, bob]);
    for (const call of [ann, bob, cat]) await call.context.close();
  }, 150_000);
});
