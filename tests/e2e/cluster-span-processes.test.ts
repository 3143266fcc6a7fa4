/**
 * One session across both Janus nodes of the local cluster (issue 17.7): Ann's SDK
 * connects to process 1 (which owns the session), Bob's to process 2 (relayed),
 * Cat through haproxy; the test-only hint puts Ann on node 1 and Bob and Cat on
 * node 2. Everyone sees everyone (frames decoded, rising); each video Cat receives
 * shows its first frame within 1 s of when it could (first-frames.ts), and her own
 * video, from an encoder just started, within 3 s at the others.
 */
import { readFile } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import type { ServerProcess } from '@parley/server/testing/server-process';
import { describe, expect, it } from 'vitest';
import { decoding, framesRising, useLocalCluster } from './cluster-stack.ts';
import { expectSpanFirstFrames, watchFirstFrames } from './first-frames.ts';
import { type CallPage, openCallPage, startCall } from './harness.ts';

const stack = useLocalCluster({ PARLEY_NODE_PARTICIPANTS: '2', PARLEY_TEST_NODE_HINTS: 'ann=0,bob=1,cat=1' });

async function join(url: string, uid: string): Promise<CallPage> {
  const call = await openCallPage({ url, browser: stack.browser }, uid);
  await watchFirstFrames(call);
  await startCall(call, 'span-processes-1');
  return call;
}

describe('a session spanning both Janus nodes of the local cluster', () => {
  it('lets everyone see everyone, whichever process and node each is on, first frames within 1 s', async () => {
    const [one, two] = stack.cluster.servers as readonly [ServerProcess, ServerProcess];
    const ann = await join(one.url, 'ann');
    const bob = await join(two.url, 'bob');
    await decoding(ann, 1);
    await decoding(bob, 1);
    const cat = await join(stack.cluster.url, 'cat');
    for (const call of [ann, bob, cat]) {
      await decoding(call, 2);
      await framesRising(call);
    }
    // The owner (process 1) took node 2 for Bob: its log says so.
    expect(await readFile(joinPath(stack.cluster.dir, 'server-1.log'), 'utf8')).toContain('the session spans another node');

    await expectSpanFirstFrames(cat, [ann, bob]);
    for (const call of [ann, bob, cat]) await call.context.close();
  }, 180_000);
});
