/**
 * At start in a cluster: only the live sessions whose lease is free are this
 * process's to rebuild or close; those another process owns are left alone.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { LiveSessionsStore } from '../store/live-sessions-store.ts';
import type { SessionsStore } from '../store/sessions-store.ts';
import { FakeMediaBackend } from '../testing/fake-media-backend.ts';
import { FakeSessionLeases } from '../testing/fake-session-leases.ts';
import { liveSessionRecord } from '../testing/live-session-record.ts';
import { DomainEvents } from './domain-events.ts';
import { restoreLiveSessions } from './restore.ts';
import { SessionRegistry } from './session-registry.ts';

const log = pino({ level: 'silent' });

describe('rebuilding at start with session leases', () => {
  it('rebuilds and closes only the sessions whose lease it took, gives back the leases of those it closed, and leaves the others', async () => {
    const leases = new FakeSessionLeases();
    leases.elsewhere.add('theirs');
    const closed: unknown[] = [];
    const forgotten: unknown[] = [];
    const registry = new SessionRegistry({ log, events: new DomainEvents(() => undefined), media: new FakeMediaBackend(), maxParticipants: 16, reconnectGraceMs: 5_000 }, leases);

    const restored = await restoreLiveSessions({
      live: {
        load: async () => ({ sessions: [liveSessionRecord('mine'), liveSessionRecord('theirs')], refused: [] }),
        sessionIds: async () => ['mine', 'theirs'],
        forgetAllBut: async (...args: unknown[]) => void forgotten.push(args),
      } as unknown as LiveSessionsStore,
      // 'orphan' is ongoing in the call log with no live row (its owner died before writing one).
      sessions: { ongoingIds: async () => ['mine', 'orphan', 'theirs'], keepOpen: async () => undefined, closeDangling: async (...args: unknown[]) => void closed.push(args) } as unknown as SessionsStore,
      recordings: { get: async () => undefined },
      registry,
      graceMs: 5_000,
      leases,
      log,
    });

    expect(restored.sessionIds).toEqual(['mine']);
    expect(registry.get('theirs')).toBeUndefined();
    expect(closed).toEqual([['server-restart', [{ sessionId: 'mine', uids: ['ann'] }], ['mine', 'orphan']]]);
    expect(forgotten).toEqual([[[{ sessionId: 'mine', uids: ['ann'] }], ['mine', 'orphan']]]);
    expect(leases.released).toEqual(['orphan']);
    expect(leases.held).toEqual(new Set(['mine']));
  });
});
