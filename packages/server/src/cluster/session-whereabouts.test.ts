/**
 * Where a session is, as one process sees it: here, elsewhere or nowhere — a
 * rebuild here waited for, one a dead process left taken over on the way.
 */
import { describe, expect, it } from 'vitest';
import { SessionWhereabouts } from './session-whereabouts.ts';

/** A process with sessions open here and leases held by process ids; `takenOver` are rebuilt here when asked. */
function processWith(opts: { open?: string[]; leases?: Record<string, string>; takenOver?: string[]; liveElsewhere?: string[] } = {}) {
  const open = new Set(opts.open ?? []);
  const leases = new Map(Object.entries(opts.leases ?? {}));
  const whereabouts = new SessionWhereabouts({ openHere: (id) => open.has(id), leaseHolder: async (id) => leases.get(id) ?? null });
  whereabouts.takeOverWith({
    async forSession(id) {
      if (opts.takenOver?.includes(id)) open.add(id);
      return opts.liveElsewhere?.includes(id) ?? false;
    },
  });
  return { whereabouts, open };
}

describe('locating a session', () => {
  it('finds one open here', async () => {
    expect(await processWith({ open: ['s1'] }).whereabouts.locate('s1')).toBe('here');
  });

  it('waits for its rebuild here before answering', async () => {
    const { whereabouts } = processWith({ open: ['s1'] }); // open while rebuilt, its participants not back yet
    let rebuilt!: () => void;
    whereabouts.restoring('s1', new Promise<void>((r) => (rebuilt = r)));
    let answer: string | undefined;
    const located = whereabouts.locate('s1').then((where) => (answer = where));
    await new Promise((r) => setTimeout(r, 10));
    expect(answer).toBeUndefined();
    rebuilt();
    expect(await located).toBe('here');
  });

  it('takes over one a dead process left, and finds it here then', async () => {
    expect(await processWith({ takenOver: ['s1'] }).whereabouts.locate('s1')).toBe('here');
  });

  it('leaves one a live process owns to it', async () => {
    expect(await processWith({ liveElsewhere: ['s1'] }).whereabouts.locate('s1')).toBe('elsewhere');
  });

  it('finds nowhere one that is not live', async () => {
    expect(await processWith().whereabouts.locate('s1')).toBe('nowhere');
  });
});

describe('a session no process serves on the bus', () => {
  it('is elsewhere while a process holds its lease (it serves it a moment later), nowhere once none does', async () => {
    const { whereabouts } = processWith({ leases: { taken: 'p2' } });
    expect(await whereabouts.unserved('taken')).toBe('elsewhere');
    expect(await whereabouts.unserved('ended')).toBe('nowhere');
  });

  it('counts as elsewhere when its lease cannot be read: the client tries again', async () => {
    const whereabouts = new SessionWhereabouts({ openHere: () => false, leaseHolder: () => Promise.reject(new Error('redis down')) });
    expect(await whereabouts.unserved('s1')).toBe('elsewhere');
  });
});
