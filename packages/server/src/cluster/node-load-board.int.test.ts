/**
 * Janus node load across processes, against a real redis-server: shares add
 * up per node, a new post replaces a process's old one, and the share of a
 * process that stops posting or closes goes away.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../testing/redis-server.ts';
import { noopLogger } from '../util/logger.ts';
import { NodeLoadBoard } from './node-load-board.ts';
import { connectRedis } from './redis-connection.ts';
import type { NodeLoad } from './node-placement.ts';

const TTL_MS = 300;

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

let opened: { board: NodeLoadBoard; connection: Redis }[] = [];
let prefix = '';
afterEach(async () => {
  for (const { board, connection } of opened) {
    await board.close();
    connection.disconnect();
  }
  opened = [];
});

/** One process's board; `repostEveryMs` past the TTL stands for a process that died after its last post. */
async function processBoard(repostEveryMs = TTL_MS / 3): Promise<NodeLoadBoard> {
  const connection = await connectRedis(redis.url, 'load', noopLogger);
  const board = new NodeLoadBoard({ redis: connection, processId: randomUUID(), prefix, ttlMs: TTL_MS, repostEveryMs, log: noopLogger });
  opened.push({ board, connection });
  return board;
}

const load = (entries: Record<string, [participants: number, streams: number]>) =>
  new Map<string, NodeLoad>(Object.entries(entries).map(([node, [participants, streams]]) => [node, { participants, streams }]));

describe('node load across the processes of a cluster', () => {
  // A prefix per test: one test's shares never count in the next.
  beforeEach(() => {
    prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
  });

  it("adds up every process's share per node, and places a new session on the least loaded", async () => {
    const [one, two] = await Promise.all([processBoard(), processBoard()]);
    await one.post(load({ 'ws://a:8188': [4, 12], 'ws://b:8188': [1, 2] }));
    await two.post(load({ 'ws://b:8188': [5, 20] }));

    expect(await one.totals()).toEqual(load({ 'ws://a:8188': [4, 12], 'ws://b:8188': [6, 22] }));
    expect(await two.leastLoaded(['ws://a:8188', 'ws://b:8188'])).toBe('ws://a:8188');
    expect(await two.leastLoaded(['ws://a:8188', 'ws://b:8188', 'ws://c:8188'])).toBe('ws://c:8188');
  });

  it("replaces a process's share with its next post, rather than adding to it", async () => {
    const board = await processBoard();
    await board.post(load({ 'ws://a:8188': [4, 12], 'ws://b:8188': [1, 2] }));
    await board.post(load({ 'ws://a:8188': [3, 9] }));

    expect(await board.totals()).toEqual(load({ 'ws://a:8188': [3, 9] }));
  });

  it("keeps a living process's share past the TTL, and drops the share of one that stopped posting", async () => {
    const living = await processBoard();
    const dead = await processBoard(60_000);
    await living.post(load({ 'ws://a:8188': [2, 4] }));
    await dead.post(load({ 'ws://a:8188': [7, 7], 'ws://b:8188': [3, 3] }));

    await sleep(TTL_MS * 2);

    expect(await living.totals()).toEqual(load({ 'ws://a:8188': [2, 4] }));
  });

  it("takes a closing process's share away at once", async () => {
    const [staying, closing] = await Promise.all([processBoard(), processBoard()]);
    await staying.post(load({ 'ws://a:8188': [1, 1] }));
    await closing.post(load({ 'ws://b:8188': [9, 9] }));

    await closing.close();

    expect(await staying.totals()).toEqual(load({ 'ws://a:8188': [1, 1] }));
  });
});
