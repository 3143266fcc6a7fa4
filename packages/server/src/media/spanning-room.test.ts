/** Where a spread session puts each participant, and which remote publishers it asks the nodes for (no Janus: rooms stand in). */
import { TypedEmitter } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { noopLogger } from '../util/logger.ts';
import type { JanusRoom } from './janus-room.ts';
import { SpanningRoom, type SpanningRoomOptions } from './spanning-room.ts';

const A = 'ws://a:8188';
const B = 'ws://b:8188';

/** A room on `node` that records the remote-publisher requests it is sent. */
function standInRoom(node: string) {
  const requests: string[] = [];
  /** The handles of the publishers made here, by feed id. */
  const handles = new Map<number, TypedEmitter<{ detached: [] }>>();
  const room = Object.assign(new TypedEmitter<{ lost: [] }>(), {
    node,
    id: 1,
    requests,
    handles,
    createPublisher: async (opts: { feedId: number; display: string }) => {
      const handle = new TypedEmitter<{ detached: [] }>();
      handles.set(opts.feedId, handle);
      return { ...opts, handle, streams: [{ type: 'video', mindex: 0, mid: '0', codec: 'vp8' }], publish: async () => ({ type: 'answer', sdp: '' }) };
    },
    createSubscriber: async () => ({ handle: new TypedEmitter<{ detached: [] }>() }),
    destroyed: false,
    roomRequest: async (body: Record<string, unknown>) => {
      requests.push(`${body.request} ${body.id ?? body.publisher_id}`);
      return { ip: '127.0.0.1', port: 5_000, rtcp_port: 5_001 };
    },
    destroy: async () => {
      room.destroyed = true;
    },
  });
  return room;
}

type StandIn = ReturnType<typeof standInRoom>;

function spanning(opts: Partial<SpanningRoomOptions> & { others?: StandIn[] } = {}) {
  const home = standInRoom(A);
  const others = opts.others ?? [standInRoom(B)];
  const opened: Array<[string | undefined, readonly string[]]> = [];
  const room = new SpanningRoom(home as unknown as JanusRoom, {
    openLeg: async (node, taken) => {
      opened.push([node, taken]);
      const next = others.find((r) => (node === undefined ? !taken.includes(r.node) : r.node === node));
      return next as unknown as JanusRoom | undefined;
    },
    participantsPerNode: 1,
    mediaAddressOf: () => undefined,
    log: noopLogger,
    ...opts,
  });
  return { room, home, others, opened };
}

describe('placing participants of a session spread over nodes', () => {
  it('keeps a participant on their node, and takes another node when the first is full', async () => {
    const { room, opened } = spanning();
    await room.createPublisher({ feedId: 1, display: 'ann', participant: 'ann' });
    await room.createSubscriber({ participant: 'ann' });
    expect(room.nodes).toEqual([A]);
    await room.createSubscriber({ participant: 'bob' });
    expect(room.nodes).toEqual([A, B]);
    expect(opened).toEqual([[undefined, [A]]]);
    expect([room.nodeOf('ann'), room.nodeOf('bob'), room.nodeOf('cat')]).toEqual([A, B, undefined]);
  });

  it('puts a hinted participant on their node, full or not', async () => {
    const { room, opened } = spanning({ hint: (uid) => (uid === 'ann' ? B : A) });
    await room.createSubscriber({ participant: 'ann' });
    await room.createSubscriber({ participant: 'bob' });
    await room.createSubscriber({ participant: 'cat' });
    expect(room.nodes).toEqual([A, B]);
    expect(opened).toEqual([[B, [A]]]);
  });

  it("puts a participant on the least loaded of the session's nodes with room, by placement's load", async () => {
    const { room } = spanning({ participantsPerNode: 3, hint: (uid) => (uid === 'bob' ? B : undefined), leastLoaded: async () => B });
    await room.createSubscriber({ participant: 'ann' });
    await room.createSubscriber({ participant: 'bob' });
    await room.createSubscriber({ participant: 'cat' });
    expect(room.nodeOf('cat')).toBe(B);
  });

  it('puts a participant on the least full node when every node is full', async () => {
    const { room } = spanning({ others: [] });
    await room.createSubscriber({ participant: 'ann' });
    await room.createSubscriber({ participant: 'bob' });
    expect(room.nodes).toEqual([A]);
  });
});

describe("forwarding a session's publishers between its nodes", () => {
  it('makes a published feed a remote publisher on a node opened later, and removes it when its publisher leaves', async () => {
    const { room, home, others } = spanning();
    const b = others[0] as StandIn;
    const ann = await room.createPublisher({ feedId: 1, display: 'ann', participant: 'ann' });
    await ann.publish({ type: 'offer', sdp: '' });
    expect(home.requests).toEqual([]);

    await room.createSubscriber({ participant: 'bob' });
    expect(b.requests).toEqual(['add_remote_publisher 1']);
    expect(home.requests).toEqual(['publish_remotely 1']);

    const bob = await room.createPublisher({ feedId: 2, display: 'bob', participant: 'bob' });
    await bob.publish({ type: 'offer', sdp: '' });
    expect(home.requests).toEqual(['publish_remotely 1', 'add_remote_publisher 2']);
    expect(b.requests).toEqual(['add_remote_publisher 1', 'publish_remotely 2']);

    // Ann's publisher handle goes (she left): her forwarder stops, and her copy on node B goes.
    home.handles.get(1)?.emit('detached');
    await new Promise((resolve) => setImmediate(resolve));
    expect(home.requests).toEqual(['publish_remotely 1', 'add_remote_publisher 2', 'unpublish_remotely 1']);
    expect(b.requests).toEqual(['add_remote_publisher 1', 'publish_remotely 2', 'remove_remote_publisher 1']);
  });
});

describe('a node whose participants of the session all left', () => {
  it('is given back: the feeds forwarded there stop and its room goes', async () => {
    const { room, home, others } = spanning();
    const b = others[0] as StandIn;
    const ann = await room.createPublisher({ feedId: 1, display: 'ann', participant: 'ann' });
    await ann.publish({ type: 'offer', sdp: '' });
    const bobSubscriber = (await room.createSubscriber({ participant: 'bob' })) as unknown as { handle: TypedEmitter<{ detached: [] }> };
    expect(room.nodes).toEqual([A, B]);

    bobSubscriber.handle.emit('detached');
    await new Promise((resolve) => setImmediate(resolve));
    expect(room.nodes).toEqual([A]);
    expect(home.requests).toEqual(['publish_remotely 1', 'unpublish_remotely 1']);
    expect(b.requests).toEqual(['add_remote_publisher 1', 'remove_remote_publisher 1']);
    expect([home.destroyed, b.destroyed]).toEqual([false, true]);
  });
});
