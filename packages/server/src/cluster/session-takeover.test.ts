/**
 * Taking over a dead process's sessions while running (unit: fake leases and
 * stores, a real registry on the fake media backend). The real Redis,
 * PostgreSQL and processes are in session-takeover.int.test.ts.
 */
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { DomainEvents } from '../sessions/domain-events.ts';
import { SessionRegistry } from '../sessions/session-registry.ts';
import type { LiveSessionsStore } from '../store/live-sessions-store.ts';
import type { SessionsStore } from '../store/sessions-store.ts';
import { FakeMediaBackend } from '../testing/fake-media-backend.ts';
import { FakeSessionLeases } from '../testing/fake-session-leases.ts';
import { liveSessionRecord } from '../testing/live-session-record.ts';
import { SessionTakeover } from './session-takeover.ts';

const log = pino({ level: 'silent' });
const TTL_MS = 500;
const RENEW_MS = 150;

/** Leases whose time left is scripted: each read takes the next value (the last repeats); `elsewhere` ones have an owner. */
class ScriptedLeases extends FakeSessionLeases {
  left: number[] = [0];
  holds(sessionId: string): boolean {
    return this.held.has(sessionId);
  }
  async owners(sessionIds: readonly string[]): Promise<(string | null)[]> {
    return Promise.all(sessionIds.map((id) => this.owner(id)));
  }
  async timeLeft(): Promise<number> {
    return (this.left.length > 1 ? this.left.shift() : this.left[0]) as number;
  }
}

function takeoverOf(leases: ScriptedLeases) {
  const registry = new SessionRegistry({ log, events: new DomainEvents(() => undefined), media: new FakeMediaBackend(), maxParticipants: 16, reconnectGraceMs: 5_000 }, leases);
  const restore = vi.spyOn(registry, 'restore');
  const cutShort = vi.fn(async (_sessionIds: readonly string[]) => undefined);
  const takeover = new SessionTakeover({
    live: {
      load: async () => ({ sessions: [liveSessionRecord('left-behind')], refused: [] }),
      sessionIds: async () => ['left-behind'],
      isLive: async () => true,
      forgetAllBut: async () => undefined,
    } as unknown as LiveSessionsStore,
    sessions: { ongoingIds: async () => [], keepOpen: async () => undefined, closeDangling: async () => undefined, cancelRingingOlderThan: async () => [] } as unknown as SessionsStore,
    recordings: { get: async () => undefined },
    cutShort,
    registry,
    graceMs: 5_000,
    leases,
    sweepEveryMs: 1_000,
    pollMs: 10,
    ttlMs: TTL_MS,
    renewEveryMs: RENEW_MS,
    ringingLeftAfterMs: 50_000,
    answeredLeftAfterMs: 65_000,
    log,
  });
  return { registry, restore, cutShort, takeover };
}

describe('the sweep', () => {
  it('takes a session over only when it found it without an owner twice in a row', async () => {
    const { registry, restore, takeover } = takeoverOf(new ScriptedLeases());
    await takeover.sweep();
    expect(registry.get('left-behind')).toBeUndefined();
    await takeover.sweep();
    expect(registry.get('left-behind')?.isOpen).toBe(true);
    await takeover.sweep();
    expect(restore).toHaveBeenCalledTimes(1);
  });

  it('finishes the recordings of a session it closed rather than rebuilt as cut short, and only those', async () => {
    const { restore, cutShort, takeover } = takeoverOf(new ScriptedLeases());
    await takeover.sweep();
    restore.mockRejectedValueOnce(new Error('no room can be made'));
    await takeover.sweep();
    expect(cutShort).toHaveBeenCalledWith(['left-behind']);
  });

  it('leaves the recordings of a session it rebuilt recording', async () => {
    const { registry, cutShort, takeover } = takeoverOf(new ScriptedLeases());
    await takeover.sweep();
    await takeover.sweep();
    expect(registry.get('left-behind')?.isOpen).toBe(true);
    expect(cutShort).not.toHaveBeenCalled();
  });

  it('leaves a session another process owns', async () => {
    const leases = new ScriptedLeases();
    leases.elsewhere.add('left-behind');
    const { restore, takeover } = takeoverOf(leases);
    await takeover.sweep();
    await takeover.sweep();
    expect(restore).not.toHaveBeenCalled();
  });
});

describe('a resume or a first join of a session not open here', () => {
  it('leaves a lease renewed within the last round to its owner, at once', async () => {
    const leases = new ScriptedLeases();
    leases.left = [TTL_MS - 50];
    const { restore, takeover } = takeoverOf(leases);
    const reads = vi.spyOn(leases, 'timeLeft');
    // Still live elsewhere: the resume is refused as not here yet (CLUSTER_UNAVAILABLE), not as ended.
    expect(await takeover.forSession('left-behind')).toBe(true);
    // At once: the lease read once, not watched (a clock bound here failed on a loaded machine).
    expect(reads).toHaveBeenCalledTimes(1);
    expect(restore).not.toHaveBeenCalled();
  });

  it('watches a lease its owner missed run out, then rebuilds the session once for everyone asking', async () => {
    const leases = new ScriptedLeases();
    leases.left = [200, 150, 100, 50, 0];
    const { registry, restore, takeover } = takeoverOf(leases);
    expect(await Promise.all([takeover.forSession('left-behind'), takeover.forSession('left-behind')])).toEqual([false, false]);
    expect(restore).toHaveBeenCalledTimes(1);
    expect(registry.get('left-behind')?.isOpen).toBe(true);
  });

  it('gives up as soon as the missed lease is renewed after all (its owner was only slow)', async () => {
    const leases = new ScriptedLeases();
    leases.left = [200, 150, TTL_MS];
    const { restore, takeover } = takeoverOf(leases);
    await takeover.forSession('left-behind');
    expect(restore).not.toHaveBeenCalled();
  });
});
