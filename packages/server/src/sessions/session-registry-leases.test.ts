/**
 * In a cluster a session lives on the process holding its lease: the registry
 * takes it before a session starts here, gives it back when the session ends,
 * and hands the session over (stopped, not ended) when the lease is lost.
 */
import { isParleyError, TypedEmitter } from '@parley/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { SessionLeasesEvents } from '../cluster/session-leases.ts';
import { sha256 } from '../secrets.ts';
import type { LiveSessionRecord } from '../store/live-sessions-store.ts';
import { FakeMediaBackend } from '../testing/fake-media-backend.ts';
import { DomainEvents } from './domain-events.ts';
import { SessionRegistry } from './session-registry.ts';

const log = pino({ level: 'silent' });

/** Leases in memory: `elsewhere` are held by another process. */
class FakeLeases extends TypedEmitter<SessionLeasesEvents> {
  readonly held = new Set<string>();
  readonly elsewhere = new Set<string>();
  constructor() {
    super(() => undefined);
  }
  async acquire(sessionId: string) {
    if (this.elsewhere.has(sessionId)) return false;
    this.held.add(sessionId);
    return true;
  }
  async release(sessionId: string) {
    this.held.delete(sessionId);
  }
}

const record = (sessionId: string): LiveSessionRecord => ({
  sessionId,
  kind: 'group',
  media: 'video',
  recording: null,
  participants: [
    {
      uid: 'ann',
      name: 'Ann',
      avatar: null,
      joinedAt: new Date(),
      feedId: 1,
      canRecord: true,
      audioMuted: false,
      videoMuted: false,
      audioOnly: false,
      idleTimeoutSeconds: 180,
      resumeTokenHash: sha256(`ann-${sessionId}`),
      publications: [],
    },
  ],
});

function registryWithLeases() {
  const leases = new FakeLeases();
  const events = new DomainEvents(() => undefined);
  const ended: string[] = [];
  events.on('session.ended', (e) => ended.push(e.session.sessionId));
  const registry = new SessionRegistry({ log, events, media: new FakeMediaBackend(), maxParticipants: 16, reconnectGraceMs: 5_000 }, leases);
  return { leases, registry, ended };
}

describe('a registry with session leases', () => {
  it('does not start a session whose lease another process holds', async () => {
    const { leases, registry } = registryWithLeases();
    leases.elsewhere.add('theirs');
    const error = await registry.restore(record('theirs'), 5_000).catch((e: unknown) => e);
    expect(isParleyError(error, 'CLUSTER_UNAVAILABLE')).toBe(true);
    expect(registry.get('theirs')).toBeUndefined();
  });

  it('holds the lease while the session lives and gives it back when it ends', async () => {
    const { leases, registry } = registryWithLeases();
    const session = await registry.restore(record('mine'), 5_000);
    expect(leases.held).toEqual(new Set(['mine']));
    await session.end('call-ended');
    expect(registry.get('mine')).toBeUndefined();
    expect(leases.held).toEqual(new Set());
  });

  it('hands a session whose lease was lost over: stopped here, not ended', async () => {
    const { leases, registry, ended } = registryWithLeases();
    await registry.restore(record('lost'), 5_000);
    leases.held.delete('lost');
    leases.emit('lost', 'lost');
    await expect.poll(() => registry.get('lost')).toBeUndefined();
    expect(ended).toEqual([]);
  });
});
