/**
 * A session's broadcast reaches relayed clients once per process (issue 17.2):
 * Ann's socket is on the owner, Bob's, Cat's and Dan's on one other process.
 * What the session tells everyone is published once for that process, which
 * fans it out to its three sockets — not once per relayed participant. Two
 * pretend processes on one in-memory bus, every publish counted.
 */
import type { ServerEventName } from '@parley/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientEventMessage, Topic } from '../cluster/cluster-messages.ts';
import { MemoryClusterBus } from '../cluster/memory-cluster-bus.ts';
import { PretendCluster, type PretendProcess } from '../testing/pretend-cluster.ts';

let cluster: PretendCluster;
afterEach(async () => {
  vi.restoreAllMocks();
  await cluster.close();
});

const RELAYED = ['bob', 'cat', 'dan'];

/** Ann on process 1 (the owner), the others on process 2; every `client.event` published from then on, by event. */
async function annWithThreeRelayed() {
  cluster = new PretendCluster();
  const [one, two] = [await cluster.process(), await cluster.process()] as [PretendProcess, PretendProcess];
  const ann = one.connect();
  await ann.request('join', { sessionId: 's1', token: await cluster.token('ann') });
  const relayed = [];
  for (const uid of RELAYED) {
    const client = two.connect();
    expect((await client.request('join', { sessionId: 's1', token: await cluster.token(uid) })).ok).toBe(true);
    relayed.push(client);
  }
  await expect.poll(() => ann.events('participant.joined').length).toBe(RELAYED.length);
  const published = vi.spyOn(MemoryClusterBus.prototype, 'publish');
  const clientEvents = (event: ServerEventName) =>
    published.mock.calls.filter(([topic, type, payload]) => (topic as Topic).kind === 'process' && type === 'client.event' && (payload as ClientEventMessage).event === event);
  return { one, ann, relayed, clientEvents };
}

describe("a session's broadcast to participants relayed through one other process", () => {
  it('is published once for that process, and each of its clients gets it', async () => {
    const { ann, relayed, clientEvents } = await annWithThreeRelayed();

    await ann.request('mute', { audioMuted: true });

    for (const client of relayed) await expect.poll(() => client.events('participant.muted').map((e) => e.participant.uid)).toEqual(['ann']);
    expect(clientEvents('participant.muted')).toHaveLength(1);
  });

  it('is published once per broadcast when one change makes two (a leave: who left, who is in)', async () => {
    const { ann, relayed, clientEvents } = await annWithThreeRelayed();
    const changesBefore = relayed.map((client) => client.events('participants.changed').length);

    await ann.request('leave');

    for (const [i, client] of relayed.entries()) {
      await expect.poll(() => client.events('participants.changed').length).toBe((changesBefore[i] as number) + 1);
      expect(client.events('participant.left').map((e) => e.participant.uid)).toEqual(['ann']);
    }
    expect(clientEvents('participant.left')).toHaveLength(1);
    expect(clientEvents('participants.changed')).toHaveLength(1);
  });
});
