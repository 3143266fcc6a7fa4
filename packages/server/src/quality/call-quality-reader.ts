/**
 * `GET /v1/calls/:sessionId/quality`: each participant of a call with their
 * stays (joins and leaves, from the call log) and their samples. It writes
 * nothing: it reads the sessions store and the quality store.
 */
import type { CallQuality, ParticipantQuality } from '@parley/protocol';
import type { SessionsStore } from '../store/sessions-store.ts';
import type { QualityStore } from './quality-store.ts';

export class CallQualityReader {
  constructor(
    private readonly sessions: Pick<SessionsStore, 'call' | 'isParty' | 'staysOf'>,
    private readonly quality: Pick<QualityStore, 'ofSession'>,
  ) {}

  exists(sessionId: string): Promise<boolean> {
    return this.sessions.call(sessionId).then((row) => row !== undefined);
  }

  /** Whether `uid` made, received or joined the call. */
  isParty(sessionId: string, uid: string): Promise<boolean> {
    return this.sessions.isParty(sessionId, uid);
  }

  async get(sessionId: string): Promise<CallQuality> {
    const [stays, samples] = await Promise.all([this.sessions.staysOf([sessionId]), this.quality.ofSession(sessionId)]);
    const people = new Map<string, ParticipantQuality>();
    const personOf = (uid: string, name: string) => {
      const known = people.get(uid);
      if (known) return known;
      const person: ParticipantQuality = { uid, name, stays: [], samples: [] };
      people.set(uid, person);
      return person;
    };
    for (const s of stays) personOf(s.uid, s.name).stays.push({ joinedAt: s.joinedAt.toISOString(), leftAt: s.leftAt?.toISOString() ?? null });
    for (const s of samples) {
      personOf(s.uid, s.uid).samples.push({ at: s.receivedAt.toISOString(), quality: s.quality, intervalMs: s.intervalMs, connections: s.connections });
    }
    return { sessionId, participants: [...people.values()] };
  }
}
