/** Our receiving connection reports the streams of an offer once its answer and first candidate are out. */
import { describe, expect, it, vi } from 'vitest';
import { FakeMediaHandler, type FakePeerConnection, fakeSdp } from '../testing/fake-media.ts';
import { SubscriberConnection } from './subscriber-connection.ts';

function receiving() {
  const media = new FakeMediaHandler();
  const answers: unknown[] = [];
  const connection = new SubscriberConnection(media, {
    answer: async (jsep) => answers.push(jsep),
    trickle: async () => ({}),
    restartIce: async () => ({}),
  });
  const pc = media.peerConnections[0] as FakePeerConnection;
  // A browser still busy: no candidate is gathered yet.
  pc.setLocalDescription = async (description) => {
    pc.localDescription = description;
  };
  const reported: string[] = [];
  connection.on('streamChanged', (uid) => reported.push(uid));
  return { connection, answers, reported };
}

const offer = { type: 'offer' as const, sdp: fakeSdp([{ mid: 'v0', kind: 'video' }]) };
const streams = [{ mid: 'v0', uid: 'bob', source: 'camera' as const, kind: 'video' as const, active: true }];

describe("the streams of our receiving connection's first offer", () => {
  it('are not reported when the connection closes while it waits for its first candidate', async () => {
    const { connection, answers, reported } = receiving();
    const answering = connection.handleOffer(offer, streams);
    await vi.waitFor(() => expect(answers).toHaveLength(1));
    connection.close();
    await answering;
    expect(reported).toEqual([]);
  });

  it('are reported after the longest wait when no candidate comes', async () => {
    const { connection, reported } = receiving();
    await connection.handleOffer(offer, streams);
    expect(reported).toEqual(['bob']);
    connection.close();
  });
});
