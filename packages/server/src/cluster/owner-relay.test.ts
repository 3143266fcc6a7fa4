/** Requests relayed to a session's owner over the bus, and their answers (two pretend processes on one in-memory hub). */
import { isParleyError, ParleyError } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { noopLogger } from '../util/logger.ts';
import type { RelayedRequest } from './cluster-messages.ts';
import { MemoryClusterBus, MemoryClusterHub } from './memory-cluster-bus.ts';
import { OwnerRelay, type RelayedRequestHandler } from './owner-relay.ts';

const BOB = { uid: 'bob', connectionId: 'c1' };

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

    const result = await edge.request('s1', BOB, 'mute', { audioMuted: true });

    expect(result).toEqual({ participant: { uid: 'bob' } });
    expect(seen).toEqual([{ requestId: expect.any(String), replyTo: edgeId, connectionId: 'c1', uid: 'bob', type: 'mute', params: { audioMuted: true } }]);
  });

  it("rejects with the owner's own error: its code, message and details", async () => {
    const { owner, edge } = await twoProcesses();
    await owner.serve('s1', async () => {
      throw new ParleyError('SESSION_FULL', 'No room for a 17th', { details: { max: 16 } });
    });

    const error = await refusal(edge.request('s1', BOB, 'leave', {}));

    expect([error.code, error.message, error.details]).toEqual(['SESSION_FULL', 'No room for a 17th', { max: 16 }]);
  });

  it("turns an owner's unexpected failure into INTERNAL_ERROR, logged on the owner", async () => {
    const { owner, edge, logged } = await twoProcesses();
    await owner.serve('s1', async () => {
      throw new TypeError('bug');
    });

    expect((await refusal(edge.request('s1', BOB, 'leave', {}))).code).toBe('INTERNAL_ERROR');
    expect(logged).toHaveLength(1);
  });

  it('fails at once with CLUSTER_UNAVAILABLE when no process owns the session', async () => {
    const { edge } = await twoProcesses(60_000);
    const startedAt = Date.now();

    const error = await refusal(edge.request('nobody', BOB, 'leave', {}));

    expect(error.code).toBe('CLUSTER_UNAVAILABLE');
    expect(error.details).toEqual({ sessionId: 'nobody' });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it('finds no owner once the owner stopped serving the session (its lease released or lost)', async () => {
    const { owner, edge } = await twoProcesses();
    const serving = await owner.serve('s1', async () => ({}));
    await serving.unsubscribe();

    expect((await refusal(edge.request('s1', BOB, 'leave', {}))).code).toBe('CLUSTER_UNAVAILABLE');
  });

  it('times out with REQUEST_TIMEOUT when the owner does not answer', async () => {
    const { owner, edge } = await twoProcesses(50);
    const never: RelayedRequestHandler = () => new Promise(() => {});
    await owner.serve('s1', never);

    expect((await refusal(edge.request('s1', BOB, 'leave', {}))).code).toBe('REQUEST_TIMEOUT');
  });

  it('rejects what still waits when the relay closes, and refuses new requests', async () => {
    const { owner, edge } = await twoProcesses(60_000);
    await owner.serve('s1', () => new Promise(() => {}));
    const waiting = refusal(edge.request('s1', BOB, 'leave', {}));
    await new Promise((r) => setTimeout(r, 10));

    await edge.close();

    expect((await waiting).code).toBe('CLUSTER_UNAVAILABLE');
    expect((await refusal(edge.request('s1', BOB, 'leave', {}))).code).toBe('CLUSTER_UNAVAILABLE');
  });
});

describe("the owner's events for a relayed client", () => {
  function socket() {
    const sent: Array<{ event: string; data: unknown }> = [];
    const closed: string[] = [];
    return { sent, closed, link: { send: (event: string, data: unknown) => void sent.push({ event, data }), close: (reason: string) => void closed.push(reason) } };
  }

  it("reach the client's socket in the order sent, and its close closes it", async () => {
    const { owner, edge, edgeId } = await twoProcesses();
    const bob = socket();
    edge.attach('c1', bob.link);
    const toBob = owner.linkTo({ replyTo: edgeId, connectionId: 'c1' });

    toBob.send('session.idleWarning', { secondsLeft: 2 });
    toBob.send('session.idleWarning', { secondsLeft: 1 });
    toBob.close('idle');

    await until(() => bob.closed.length === 1);
    expect(bob.sent.map((s) => s.data)).toEqual([{ secondsLeft: 2 }, { secondsLeft: 1 }]);
    expect(bob.closed).toEqual(['idle']);
  });

  it('reach nobody once the socket was detached (it closed)', async () => {
    const { owner, edge, edgeId } = await twoProcesses();
    const bob = socket();
    edge.attach('c1', bob.link);
    edge.detach('c1');
    await owner.serve('s1', async () => ({}));

    owner.linkTo({ replyTo: edgeId, connectionId: 'c1' }).send('session.idleWarning', { secondsLeft: 1 });
    await edge.request('s1', BOB, 'ping', {}); // its answer comes after what the owner sent before it

    expect(bob.sent).toEqual([]);
  });

  it("tell the owner when the relayed client's socket closed", async () => {
    const { owner, edge, edgeId } = await twoProcesses();
    const gone: unknown[] = [];
    await owner.serve('s1', async () => ({}), (client) => gone.push(client));

    await edge.disconnected('s1', BOB);

    await until(() => gone.length === 1);
    expect(gone).toEqual([{ uid: 'bob', connectionId: 'c1', replyTo: edgeId }]);
  });
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!done()) throw new Error('timed out');
}
