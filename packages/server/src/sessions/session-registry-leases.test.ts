/**
 * In a cluster a session lives on the process holding its lease: the registry
 * takes it before a session starts here, gives it back when the session ends,
 * and hands the session over (stopped, not ended) when the lease is lost.
 */
import { isParleyError } from '@parley/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeMediaBackend } from '../testing/fake-media-backend.ts';
import { FakeSessionLeases } from '../testing/fake-session-leases.ts';
import { liveSessionRecord } from '../testing/live-session-record.ts';
import { DomainEvents } from './domain-events.ts';
import { SessionRegistry } from './session-registry.ts';

const log = pino({ level: 'silent' });

function registryWithLeases() {
  const leases = new FakeSessionLeases();
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
    const error = await registry.restore(liveSessionRecord('theirs'), 5_000).catch((e: unknown) => e);
    expect(isParleyError(error, 'CLUSTER_UNAVAILABLE')).toBe(true);
    expect(registry.get('theirs')).toBeUndefined();
  });

  it('holds the lease while the session lives and gives it back when it ends', async () => {
    const { leases, registry } = registryWithLeases();
    const session = await registry.restore(liveSessionRecord('mine'), 5_000);
    expect(leases.held).toEqual(new Set(['mine']));
    await session.end('call-ended');
    expect(registry.get('mine')).toBeUndefined();
    expect(leases.held).toEqual(new Set());
  });

  it('hands a session whose lease was lost over: stopped here, not ended', async () => {
    const { leases, registry, ended } = registryWithLeases();
    await registry.restore(liveSessionRecord('lost'), 5_000);
    leases.held.delete('lost');
    leases.emit('lost', 'lost');
    await expect.poll(() => registry.get('lost')).toBeUndefined();
    expect(ended).toEqual([]);
  });
});
