/** Where a new session's room goes: by this process's own count alone, or by the cluster's totals after posting it. */
import { ParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { noopLogger } from '../util/logger.ts';
import { localNodeLoad, type SessionOnNode } from './local-node-load.ts';
import type { NodeLoad } from './node-placement.ts';
import { RoomPlacement } from './room-placement.ts';

const A = 'ws://a:8188';
const B = 'ws://b:8188';

/** A session on `node` with participants publishing and receiving these many feeds. */
const session = (node: string | undefined, ...people: [published: number, received: number][]): SessionOnNode => ({
  room: node === undefined ? undefined : { node },
  participants: new Map(
    people.map(([published, received], i) => [`p${i}`, { publishedFeeds: Array.from({ length: published }, (_, f) => f), subscribedFeeds: new Set(Array.from({ length: received }, (_, f) => f)) }]),
  ),
});

describe("this process's own count", () => {
  it("sums each node's participants and their published and received feeds; a session without a room counts nowhere", () => {
    const load = localNodeLoad([session(A, [1, 1], [2, 1]), session(A, [1, 0]), session(B, [0, 3]), session(undefined, [1, 1])]);
    expect(load).toEqual(
      new Map([
        [A, { participants: 3, streams: 6 }],
        [B, { participants: 1, streams: 3 }],
      ]),
    );
  });
});

describe("this process's own count of a session spread over nodes", () => {
  it('counts each participant on the node their connections are on', () => {
    const spread: SessionOnNode = {
      room: { node: A, nodeOf: (uid) => (uid === 'p1' ? B : A) },
      participants: session(A, [1, 1], [1, 1]).participants,
    };
    expect(localNodeLoad([spread])).toEqual(
      new Map([
        [A, { participants: 1, streams: 2 }],
        [B, { participants: 1, streams: 2 }],
      ]),
    );
  });
});

describe('placing a room', () => {
  const placement = (local: SessionOnNode[], board?: ConstructorParameters<typeof RoomPlacement>[0]['board']) =>
    new RoomPlacement({ local: () => localNodeLoad(local), board, postEveryMs: 60_000, log: noopLogger });

  it('without Redis, goes to the node with the fewest participants here, then the fewest streams', async () => {
    expect(await placement([session(A, [1, 1], [1, 1]), session(B, [1, 1])]).choose([A, B])).toBe(B);
    expect(await placement([session(A, [1, 1]), session(B, [2, 1])]).choose([A, B])).toBe(A);
    expect(await placement([]).choose([A, B])).toBe(A);
  });

  it("in a cluster, posts this process's count first and goes where the cluster's totals are lowest", async () => {
    const posted: ReadonlyMap<string, NodeLoad>[] = [];
    const board = {
      post: async (load: ReadonlyMap<string, NodeLoad>) => void posted.push(load),
      leastLoaded: async () => B,
    };
    expect(await placement([session(A, [1, 1])], board).choose([A, B])).toBe(B);
    expect(posted).toEqual([new Map([[A, { participants: 1, streams: 2 }]])]);
  });

  it('when Redis does not answer, goes by its own count', async () => {
    const board = {
      post: async () => {
        throw new ParleyError('CLUSTER_UNAVAILABLE');
      },
      leastLoaded: async () => A,
    };
    expect(await placement([session(A, [1, 1])], board).choose([A, B])).toBe(B);
  });
});
