import { isParleyError, type QualitySample, type ServerEventName } from '@parley/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../sessions/domain-events.ts';
import type { ParticipantView } from '../sessions/participant.ts';
import { type QualityLimits, QualityService } from './quality-service.ts';
import type { QualitySampleRow } from './quality-store.ts';

/** A session as the service sees it, recording what it sent: (event, data, to whom: "all but <uid>" or "only <uid>"). */
function sessionNamed(sessionId: string) {
  const told: Array<[ServerEventName, unknown, string]> = [];
  const session = {
    sessionId,
    broadcast: (event: ServerEventName, data: unknown, except?: string) => told.push([event, data, `all but ${except}`]),
    sendTo: (uid: string, event: ServerEventName, data: unknown) => told.push([event, data, `only ${uid}`]),
  } as unknown as SessionView;
  return { session, told };
}

const participant = (uid: string) => ({ uid }) as ParticipantView;

const sample = (sessionId: string, quality: QualitySample['quality'] = 5): QualitySample => ({
  sessionId,
  quality,
  intervalMs: 5_000,
  connections: [
    {
      connection: 'publisher',
      bitrateInKbps: 0,
      bitrateOutKbps: 900,
      packetsLost: 0,
      lossPercent: 0,
      jitterMs: 2,
      rttMs: 1,
      videoSent: { framesPerSecond: 30, width: 640, height: 480 },
      videoReceived: null,
      qualityLimitation: 'none',
    },
  ],
});

function serviceWith(change: Partial<QualityLimits> = {}) {
  const limits: QualityLimits = { maxSamplesPerParticipant: 3, minSampleIntervalMs: 2_000, staleAfterMs: 15_000, ...change };
  const stored: Array<{ sessionId: string; uid: string; row: Omit<QualitySampleRow, 'uid'> }> = [];
  let now = 1_000_000;
  const store = { add: async (sessionId: string, uid: string, row: Omit<QualitySampleRow, 'uid'>) => void stored.push({ sessionId, uid, row }) };
  const service = new QualityService(store as never, pino({ level: 'silent' }), limits, () => now);
  return { service, stored, advance: (ms: number) => (now += ms) };
}

describe('storing call-quality samples', () => {
  it('keeps a participant\'s samples up to the bound, and not faster than the pace', async () => {
    const { service, stored, advance } = serviceWith();
    const { session } = sessionNamed('s1');
    const ada = participant('ada');
    const answers: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push((await service.record(session, ada, sample('s1'))).stored);
      // Sent again at once (a client in a loop): not kept.
      answers.push((await service.record(session, ada, sample('s1'))).stored);
      advance(5_000);
    }
    expect(answers).toEqual([true, false, true, false, true, false, false, false, false, false]);
    expect(stored).toHaveLength(3);
    expect(stored[0]).toMatchObject({ sessionId: 's1', uid: 'ada', row: { quality: 5, intervalMs: 5_000, receivedAt: new Date(1_000_000) } });
  });

  it('bounds each participant on their own', async () => {
    const { service, stored } = serviceWith({ maxSamplesPerParticipant: 1, minSampleIntervalMs: 0 });
    const { session } = sessionNamed('s1');
    await service.record(session, participant('ada'), sample('s1'));
    await service.record(session, participant('bob'), sample('s1'));
    expect(stored.map((s) => s.uid)).toEqual(['ada', 'bob']);
  });

  it('refuses a sample about another session with FORBIDDEN, and stores and tells nothing', async () => {
    const { service, stored } = serviceWith();
    const { session, told } = sessionNamed('s1');
    const error = await service.record(session, participant('ada'), sample('someone-elses-call', 1)).catch((e: unknown) => e);
    expect(isParleyError(error, 'FORBIDDEN')).toBe(true);
    expect(stored).toEqual([]);
    expect(told).toEqual([]);
  });
});

describe('relaying network quality', () => {
  it('tells the others a score when it changes, never the sender', async () => {
    const { service, advance } = serviceWith({ maxSamplesPerParticipant: 100, minSampleIntervalMs: 0 });
    const { session, told } = sessionNamed('s1');
    for (const quality of [5, 5, 2, 2, 5] as const) {
      await service.record(session, participant('ada'), sample('s1', quality));
      advance(5_000);
    }
    expect(told).toEqual([
      ['participant.quality', { uid: 'ada', quality: 5 }, 'all but ada'],
      ['participant.quality', { uid: 'ada', quality: 2 }, 'all but ada'],
      ['participant.quality', { uid: 'ada', quality: 5 }, 'all but ada'],
    ]);
  });

  it("tells a newcomer everyone's current score once their client has answered its join (their first sample or media), and forgets those who left", async () => {
    const { service } = serviceWith({ minSampleIntervalMs: 0 });
    const { session, told } = sessionNamed('s1');
    await service.record(session, participant('ada'), sample('s1', 4));
    await service.record(session, participant('bob'), sample('s1', 3));
    service.left({ session, participant: participant('bob'), reason: 'left', leftAt: new Date() });
    told.length = 0;
    service.joined({ session, participant: participant('cy'), joinedAt: new Date() });
    // Told now, cy's client would drop it: it arrives before the answer to cy's join.
    expect(told).toEqual([]);
    await service.record(session, participant('cy'), sample('s1', 5));
    expect(told).toEqual([
      ['participant.quality', { uid: 'ada', quality: 4 }, 'only cy'],
      ['participant.quality', { uid: 'cy', quality: 5 }, 'all but cy'],
    ]);
    // Once.
    told.length = 0;
    await service.record(session, participant('cy'), sample('s1', 5));
    expect(told).toEqual([]);
  });

  it("tells a newcomer whose client sends no samples everyone's score with the first stats of their media", async () => {
    const { service } = serviceWith();
    const { session, told } = sessionNamed('s1');
    await service.record(session, participant('ada'), sample('s1', 4));
    service.joined({ session, participant: participant('cy'), joinedAt: new Date() });
    told.length = 0;
    service.connectionStats({ session, participant: participant('cy'), connection: 'publisher', stats: { rttMs: null } });
    expect(told).toEqual([['participant.quality', { uid: 'ada', quality: 4 }, 'only cy']]);
  });

  it('forgets the scores of a session that ended', async () => {
    const { service } = serviceWith();
    const { session, told } = sessionNamed('s1');
    await service.record(session, participant('ada'), sample('s1', 4));
    service.joined({ session, participant: participant('dee'), joinedAt: new Date() });
    service.ended({ session, reason: 'call-ended' });
    told.length = 0;
    service.connectionStats({ session, participant: participant('dee'), connection: 'publisher', stats: { rttMs: null } });
    expect(told).toEqual([]);
  });
});

describe("the media server's view beside the client's own", () => {
  const stats = (connection: 'publisher' | 'subscriber', lossPercent: number) => ({
    rttMs: 20,
    ...(connection === 'publisher' ? { received: { lossPercent, jitterMs: 5, bytesPerSecond: 100_000 } } : { sent: { lossPercent, jitterMs: 5, bytesPerSecond: 100_000 } }),
  });
  const fromJanus = (session: SessionView, uid: string, connection: 'publisher' | 'subscriber', lossPercent: number) =>
    ({ session, participant: participant(uid), connection, stats: stats(connection, lossPercent) }) as const;

  it("reports someone whose uplink Janus sees losing packets lower, even while their client says all is well", async () => {
    const { service } = serviceWith();
    const { session, told } = sessionNamed('s1');
    await service.record(session, participant('ada'), sample('s1', 5));
    service.connectionStats(fromJanus(session, 'ada', 'publisher', 8));
    expect(told).toEqual([
      ['participant.quality', { uid: 'ada', quality: 5 }, 'all but ada'],
      ['participant.quality', { uid: 'ada', quality: 2 }, 'all but ada'],
    ]);
  });

  it('scores someone whose client sends no samples from the server\'s view alone, and keeps them alive while media moves', () => {
    const { service, advance } = serviceWith();
    const { session, told } = sessionNamed('s1');
    service.connectionStats(fromJanus(session, 'bob', 'publisher', 0));
    for (let i = 0; i < 5; i++) {
      advance(5_000);
      service.connectionStats(fromJanus(session, 'bob', 'subscriber', 0));
      service.sweep();
    }
    expect(told).toEqual([['participant.quality', { uid: 'bob', quality: 5 }, 'all but bob']]);
  });

  it("scores a receiver's downlink as their own link's (senders' losses taken out before, by the subscription)", () => {
    const { service } = serviceWith();
    const { session, told } = sessionNamed('s1');
    service.connectionStats(fromJanus(session, 'cy', 'publisher', 0));
    service.connectionStats(fromJanus(session, 'cy', 'subscriber', 30));
    expect(told.map(([, data]) => (data as { quality: number }).quality)).toEqual([5, 1]);
  });

  it('goes back to the client\'s own score once the server\'s bad reading is stale, and says nothing for stats without media', async () => {
    const { service, advance } = serviceWith({ maxSamplesPerParticipant: 100, minSampleIntervalMs: 0 });
    const { session, told } = sessionNamed('s1');
    service.connectionStats({ session, participant: participant('ada'), connection: 'publisher', stats: { rttMs: null } });
    expect(told).toEqual([]);
    service.connectionStats(fromJanus(session, 'ada', 'publisher', 20));
    await service.record(session, participant('ada'), sample('s1', 4));
    advance(16_000);
    await service.record(session, participant('ada'), sample('s1', 4));
    expect(told.map(([, data]) => (data as { quality: number }).quality)).toEqual([1, 4]);
  });
});

describe('someone whose samples stop', () => {
  it('is told to the others as lost once none came for a while, and as their score again when samples resume', async () => {
    const { service, advance } = serviceWith({ maxSamplesPerParticipant: 100, minSampleIntervalMs: 0 });
    const { session, told } = sessionNamed('s1');
    await service.record(session, participant('ada'), sample('s1', 5));
    await service.record(session, participant('bob'), sample('s1', 4));
    advance(10_000);
    await service.record(session, participant('bob'), sample('s1', 4));
    advance(6_000);
    told.length = 0;
    service.sweep();
    service.sweep();
    // Ada sent nothing for 16 s; bob did 6 s ago.
    expect(told).toEqual([['participant.quality', { uid: 'ada', quality: 0 }, 'all but ada']]);
    await service.record(session, participant('ada'), sample('s1', 5));
    expect(told.at(-1)).toEqual(['participant.quality', { uid: 'ada', quality: 5 }, 'all but ada']);
    service.close();
  });
});
