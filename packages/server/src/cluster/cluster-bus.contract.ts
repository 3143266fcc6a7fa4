/**
 * What every ClusterBus must do (cluster-bus.ts), as tests both
 * implementations run: memory-cluster-bus.test.ts (in memory) and
 * redis-cluster-bus.int.test.ts (a real redis-server). Each test pretends to
 * be several server processes, one bus each.
 */
import { isParleyError, type ListenerErrorReporter } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../testing/until.ts';
import type { ClusterBus } from './cluster-bus.ts';
import { type ClusterEnvelope, Topics, type TopicKind } from './cluster-messages.ts';

/** Makes `count` buses that reach each other, reporting failing handlers to `report`. */
export type ProcessesFactory = (count: number, report: ListenerErrorReporter) => Promise<ClusterBus[]>;

function inbox<K extends TopicKind>(): { messages: ClusterEnvelope<K>[]; handler: (m: ClusterEnvelope<K>) => void } {
  const messages: ClusterEnvelope<K>[] = [];
  return { messages, handler: (m) => void messages.push(m) };
}

const WARNING = { event: 'session.idleWarning', data: { secondsLeft: 60 } } as const;

export function clusterBusContract(name: string, makeProcesses: ProcessesFactory): void {
  describe(`the cluster bus (${name})`, () => {
    let buses: ClusterBus[] = [];
    const reported: { channel: string; error: unknown }[] = [];
    async function processes(count: number): Promise<ClusterBus[]> {
      buses = await makeProcesses(count, (channel, error) => void reported.push({ channel, error }));
      return buses;
    }
    afterEach(async () => {
      await Promise.all(buses.map((bus) => bus.close()));
      buses = [];
      reported.length = 0;
    });

    it("carries a user's event to every process with a channel of theirs, the sender's own included", async () => {
      const [owner, second, third] = (await processes(3)) as [ClusterBus, ClusterBus, ClusterBus];
      const here = inbox<'user'>();
      const there = inbox<'user'>();
      const elsewhere = inbox<'user'>();
      await owner.subscribe(Topics.user('ann'), here.handler);
      await second.subscribe(Topics.user('ann'), there.handler);
      await third.subscribe(Topics.user('ann'), elsewhere.handler);
      const except = { replyTo: second.processId, connectionId: 'c1' };

      expect(await owner.publish(Topics.user('ann'), 'user.event', { ...WARNING, except })).toBe(3);

      await until(() => here.messages.length + there.messages.length + elsewhere.messages.length === 3, 'the event on all three');
      const expected = { from: owner.processId, type: 'user.event', payload: { ...WARNING, except } };
      expect([here.messages, there.messages, elsewhere.messages]).toEqual([[expected], [expected], [expected]]);
    });

    it("relays a client's request to the session's owner, and the owner's answer back to the relaying process", async () => {
      const [owner, edge] = (await processes(2)) as [ClusterBus, ClusterBus];
      await owner.subscribe(Topics.owner('s1'), (message) => {
        if (message.type !== 'client.request') return;
        const { requestId, replyTo, uid, type } = message.payload;
        void owner.publish(Topics.process(replyTo), 'client.response', { requestId, ok: true, result: { uid, type } });
      });
      const answers = inbox<'process'>();
      await edge.subscribe(Topics.process(edge.processId), answers.handler);

      const relayed = await edge.publish(Topics.owner('s1'), 'client.request', {
        requestId: 'r1',
        replyTo: edge.processId,
        connectionId: 'c1',
        uid: 'bob',
        type: 'mute',
        params: { audioMuted: true },
      });

      expect(relayed).toBe(1);
      await until(() => answers.messages.length === 1, 'the answer');
      expect(answers.messages[0]).toEqual({ from: owner.processId, type: 'client.response', payload: { requestId: 'r1', ok: true, result: { uid: 'bob', type: 'mute' } } });
    });

    it('answers 0 when no process listens on the topic (a session whose owner is gone)', async () => {
      const [edge] = (await processes(1)) as [ClusterBus];
      expect(await edge.publish(Topics.owner('gone'), 'client.disconnected', { uid: 'bob', replyTo: edge.processId, connectionId: 'c1' })).toBe(0);
    });

    it('keeps topics apart: another kind, or another session, reaches nobody', async () => {
      const [sender, owner] = (await processes(2)) as [ClusterBus, ClusterBus];
      const received = inbox<'owner'>();
      await owner.subscribe(Topics.owner('s1'), received.handler);

      expect(await sender.publish(Topics.call('s1'), 'session.ended', {})).toBe(0);
      expect(await sender.publish(Topics.owner('s2'), 'client.disconnected', { uid: 'x', replyTo: sender.processId, connectionId: 'c1' })).toBe(0);
      expect(await sender.publish(Topics.user('s1'), 'user.event', WARNING)).toBe(0);
      expect(await sender.publish(Topics.owner('s1'), 'client.disconnected', { uid: 'bob', replyTo: sender.processId, connectionId: 'c2' })).toBe(1);

      await until(() => received.messages.length > 0, 'the one message for the owner of s1');
      expect(received.messages.map((m) => m.payload)).toEqual([{ uid: 'bob', replyTo: sender.processId, connectionId: 'c2' }]);
    });

    it("delivers one publisher's messages in the order it sent them, never inside publish", async () => {
      const [sender, receiver] = (await processes(2)) as [ClusterBus, ClusterBus];
      const received = inbox<'user'>();
      await receiver.subscribe(Topics.user('ann'), received.handler);
      const mine = inbox<'user'>();
      await sender.subscribe(Topics.user('ann'), mine.handler);

      const sent = Array.from({ length: 50 }, (_, i) => sender.publish(Topics.user('ann'), 'user.event', { event: 'session.idleWarning', data: { secondsLeft: i } }));
      expect(mine.messages).toEqual([]);
      await Promise.all(sent);

      await until(() => received.messages.length === 50 && mine.messages.length === 50, 'fifty messages on each side');
      const order = Array.from({ length: 50 }, (_, i) => i);
      const secondsOf = (list: ClusterEnvelope<'user'>[]) => list.map((m) => (m.payload.data as { secondsLeft: number }).secondsLeft);
      expect(secondsOf(received.messages)).toEqual(order);
      expect(secondsOf(mine.messages)).toEqual(order);
    });

    it('stops a handler at unsubscribe while another handler of the topic on that process goes on; then the process stops counting', async () => {
      const [sender, receiver] = (await processes(2)) as [ClusterBus, ClusterBus];
      const leaving = inbox<'user'>();
      const staying = inbox<'user'>();
      const first = await receiver.subscribe(Topics.user('ann'), leaving.handler);
      const second = await receiver.subscribe(Topics.user('ann'), staying.handler);
      await first.unsubscribe();

      expect(await sender.publish(Topics.user('ann'), 'user.event', WARNING)).toBe(1);
      await until(() => staying.messages.length === 1, 'the message to the handler that stayed');
      expect(leaving.messages).toEqual([]);

      await second.unsubscribe();
      await second.unsubscribe();
      expect(await sender.publish(Topics.user('ann'), 'user.event', WARNING)).toBe(0);
    });

    it('reports a handler that throws, and still runs the others', async () => {
      const [sender, receiver] = (await processes(2)) as [ClusterBus, ClusterBus];
      await receiver.subscribe(Topics.call('s1'), () => {
        throw new Error('handler broke');
      });
      const after = inbox<'call'>();
      await receiver.subscribe(Topics.call('s1'), after.handler);

      await sender.publish(Topics.call('s1'), 'session.ended', {});

      await until(() => after.messages.length === 1, 'the second handler');
      expect(reported.map((r) => (r.error as Error).message)).toEqual(['handler broke']);
    });

    it('refuses to publish or subscribe once closed, with CLUSTER_UNAVAILABLE', async () => {
      const [bus] = (await processes(1)) as [ClusterBus];
      await bus.close();
      await bus.close();

      const publishing = await bus.publish(Topics.user('ann'), 'user.event', WARNING).catch((e: unknown) => e);
      const subscribing = await bus.subscribe(Topics.user('ann'), () => {}).catch((e: unknown) => e);

      expect(isParleyError(publishing, 'CLUSTER_UNAVAILABLE')).toBe(true);
      expect(isParleyError(subscribing, 'CLUSTER_UNAVAILABLE')).toBe(true);
    });

    it('gives each process its own id', async () => {
      const [a, b] = (await processes(2)) as [ClusterBus, ClusterBus];
      expect(a.processId).not.toBe(b.processId);
    });
  });
}
