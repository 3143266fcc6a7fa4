/** Remote ICE candidates wait for the description they belong to; ours wait for the server to have the handle. */
import { describe, expect, it } from 'vitest';
import type { IceCandidate } from '@parley/protocol';
import { scoped } from '../util/logger.ts';
import { CandidateQueue } from './candidate-queue.ts';
import type { PeerConnectionLike } from './media-handler.ts';

function fakePc() {
  const added: Array<IceCandidate | undefined> = [];
  const sent: IceCandidate[] = [];
  const pc = {
    remoteDescription: null as unknown,
    async addIceCandidate(candidate?: IceCandidate) {
      added.push(candidate);
    },
  };
  return { pc, added, sent, queue: new CandidateQueue(pc as unknown as PeerConnectionLike, (c) => sent.push(c), scoped('test')) };
}

const janusHost = { candidate: 'candidate:1 1 udp 2015363839 10.99.0.1 39121 typ host', sdpMid: '0' } as IceCandidate;

describe('remote candidates', () => {
  it('wait for the first remote description, then go in', async () => {
    const { pc, added, queue } = fakePc();
    await queue.addRemote(janusHost);
    expect(added).toEqual([]);
    pc.remoteDescription = { type: 'answer', sdp: '' };
    await queue.flushRemote();
    expect(added).toEqual([janusHost]);
  });

  it("during our ICE restart, wait for its answer instead of going to the old description (Janus trickles before the answer is back)", async () => {
    const { pc, added, queue } = fakePc();
    pc.remoteDescription = { type: 'answer', sdp: 'old generation' };
    queue.holdRemote();
    await queue.addRemote(janusHost);
    expect(added).toEqual([]);
    pc.remoteDescription = { type: 'answer', sdp: 'new generation' };
    await queue.flushRemote();
    expect(added).toEqual([janusHost]);
    await queue.addRemote(janusHost); // after the restart: straight in
    expect(added).toHaveLength(2);
  });
});

describe('our first candidate', () => {
  const ours = { candidate: 'candidate:1 1 udp 2122260223 10.99.0.2 50000 typ host', sdpMid: '0' } as IceCandidate;
  const settled = (p: Promise<void>) => Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), 5))]);

  it('is waited for until it has gone to the server, not merely been gathered', async () => {
    const { queue, sent } = fakePc();
    const waiting = queue.localSent(10_000);
    queue.addLocal(ours); // gathered before the server has the handle: held
    expect(await settled(waiting)).toBe(false);
    queue.openLocal();
    expect(await settled(waiting)).toBe(true);
    expect(sent).toEqual([ours]);
    expect(await settled(queue.localSent(10_000))).toBe(true); // once sent, later waits end at once
  });

  it('is waited for a bounded time only', async () => {
    const { queue } = fakePc();
    queue.openLocal();
    expect(await settled(queue.localSent(1))).toBe(true);
  });
});
