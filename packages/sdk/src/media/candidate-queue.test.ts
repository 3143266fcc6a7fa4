/** Remote ICE candidates wait for the description they belong to. */
import { describe, expect, it } from 'vitest';
import type { IceCandidate } from '@parley/protocol';
import { scoped } from '../util/logger.ts';
import { CandidateQueue } from './candidate-queue.ts';
import type { PeerConnectionLike } from './media-handler.ts';

function fakePc() {
  const added: Array<IceCandidate | undefined> = [];
  const pc = {
    remoteDescription: null as unknown,
    async addIceCandidate(candidate?: IceCandidate) {
      added.push(candidate);
    },
  };
  return { pc, added, queue: new CandidateQueue(pc as unknown as PeerConnectionLike, () => undefined, scoped('test')) };
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
