/** Requests relayed to a session's owner over the bus, and their answers (two pretend processes on one in-memory hub). */
import { isParleyError, ParleyError } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { noopLogger } from '../util/logger.ts';
import type { RelayedRequest } from './cluster-messages.ts';
import { MemoryClusterBus, MemoryClusterHub } from './memory-cluster-bus.ts';
import { OwnerRelay, type RelayedRequestHandler } from './owner-relay.ts';

let relays: OwnerRelay[] = [];
afterEach(async () => {
  await Promise.all(relays.map((r) => r.close()));
  relays = [];
});

async function twoProcesses(timeoutMs = 2_000): Promise<{ owner: OwnerRelay; edge: OwnerRelay; edgeId: string; logged: unknown[] }> {
  const hub = new MemoryClusterHub();
  const logged: unknown[] = [];
  const log = { ...noopLogger, error: (obj: unknown) => void logged.push(obj) };
  const edgeBus = new MemoryClusterBus({ hub, report: () => {} });
  const [owner, edge] = await Promise.all([
    OwnerRelay.start(new MemoryClusterBus({ hub, report: () => {} }), { timeoutMs, log }),
    OwnerRelay.start(edgeBus, { timeoutMs, log }),
  ]);
  relays.push(owner, edge);
  return { owner, edge, edgeId: edgeBus.processId, logged };
}

async function refusal(promise: Promise<unknown>): Promise<ParleyError> {
  const error = await promise.catch((e: unknown) => e);
  if (!isParleyError(error)) throw new Error(`expected a ParleyError, got ${String(error)}`);
  return error;
}

describe("a client's request relayed to the session's owner", () => {
  it("reaches the owner's handler as the client sent it, and resolves with the owner's result", async () => {
    const { owner, edge, edgeId } = await twoProcesses();
    const seen: RelayedRequest[] = [];
    await owner.serve('s1', async (request) => {
      seen.push(request);
      return { participant: { uid: request.uid } };
    });

    const result = await edge.request('s1', 'bob', 'mute', { audioMuted: true });

    expect(result).toEqual({ participant: { uid: 'bob' } });
    expect(seen).toEqual([{ requestId: expect.any(String), replyTo: edgeId, uid: 'bob', type: 'mute', params: { audioMuted: true } }]);
  });

  it("rejects with the owner's own error: its code, message and details", async () => {
    const { owner, edge } = await twoProcesses();
    await owner.serve('s1', async () => {
      throw new ParleyError('SESSION_FULL', 'No room for a 17th', { details: { max: 16 } });
    });

    const error = await refusal(edge.request('s1', 'bob', 'leave', {}));

    expect([error.code, error.message, error.details]).toEqual(['SESSION_FULL', 'No room for a 17th', { max: 16 }]);
  });

  it("turns an owner's unexpected failure into INTERNAL_ERROR, logged on the owner", async () => {
    const { owner, edge, logged } = await twoProcesses();
    await owner.serve('s1', async () => {
      throw new TypeError('bug');
    });

    expect((await refusal(edge.request('s1', 'bob', 'leave', {}))).code).toBe('INTERNAL_ERROR');
    expect(logged).toHaveLength(1);
  });

  it('fails at once with CLUSTER_UNAVAILABLE when no process owns the session', async () => {
    const { edge } = await twoProcesses(60_000);
    const startedAt = Date.now();

    const error = await refusal(edge.request('nobody', 'bob', 'leave', {}));

    expect(error.code).toBe('CLUSTER_UNAVAILABLE');
    expect(error.details).toEqual({ sessionId: 'nobody' });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it('finds no owner once the owner stopped serving the session (its lease released or lost)', async () => {
    const { owner, edge } = await twoProcesses();
    const serving = await owner.serve('s1', async () => ({}));
    await serving.unsubscribe();

    expect((await refusal(edge.request('s1', 'bob', 'leave', {}))).code).toBe('CLUSTER_UNAVAILABLE');
  });

  it('times out with REQUEST_TIMEOUT when the owner does not answer', async () => {
    const { owner, edge } = await twoProcesses(50);
    const never: RelayedRequestHandler = () => new Promise(() => {});
    await owner.serve('s1', never);

    expect((await refusal(edge.request('s1', 'bob', 'leave', {}))).code).toBe('REQUEST_TIMEOUT');
  });

  it('rejects what still waits when the relay closes, and refuses new requests', async () => {
    const { owner, edge } = await twoProcesses(60_000);
    await owner.serve('s1', () => new Promise(() => {}));
    const waiting = refusal(edge.request('s1', 'bob', 'leave', {}));
    await new Promise((r) => setTimeout(r, 10));

    await edge.close();

    expect((await waiting).code).toBe('CLUSTER_UNAVAILABLE');
    expect((await refusal(edge.request('s1', 'bob', 'leave', {}))).code).toBe('CLUSTER_UNAVAILABLE');
  });
});
