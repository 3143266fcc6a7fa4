/** Session leases whose sessions are served on the bus while held (issue 17.2). */
import { describe, expect, it } from 'vitest';
import { FakeSessionLeases } from '../testing/fake-session-leases.ts';
import { noopLogger } from '../util/logger.ts';
import { type OwnerServing, ServedLeases } from './served-leases.ts';

function servingRecorder() {
  const served: string[] = [];
  const stopped: string[] = [];
  const owner: OwnerServing = {
    async serve(sessionId) {
      served.push(sessionId);
      return { unsubscribe: async () => void stopped.push(sessionId) };
    },
  };
  return { owner, served, stopped };
}

describe('leases served on the bus', () => {
  it('serve a session from its acquire until its release', async () => {
    const leases = new FakeSessionLeases();
    const ownership = new ServedLeases(leases, noopLogger);
    const { owner, served, stopped } = servingRecorder();
    ownership.serveWith(owner);

    expect(await ownership.acquire('s1')).toBe(true);
    expect(served).toEqual(['s1']);
    await ownership.release('s1');

    expect(stopped).toEqual(['s1']);
    expect(leases.released).toEqual(['s1']);
  });

  it('serve nothing for a lease held elsewhere', async () => {
    const leases = new FakeSessionLeases();
    leases.elsewhere.add('theirs');
    const ownership = new ServedLeases(leases, noopLogger);
    const { owner, served } = servingRecorder();
    ownership.serveWith(owner);

    expect(await ownership.acquire('theirs')).toBe(false);
    expect(served).toEqual([]);
  });

  it('stop serving a session whose lease was lost', async () => {
    const leases = new FakeSessionLeases();
    const ownership = new ServedLeases(leases, noopLogger);
    const { owner, stopped } = servingRecorder();
    ownership.serveWith(owner);
    await ownership.acquire('s1');

    leases.emit('lost', 's1');

    await expect.poll(() => stopped).toEqual(['s1']);
  });

  it('serve the sessions taken before signaling existed (rebuilt at start) once it does', async () => {
    const leases = new FakeSessionLeases();
    const ownership = new ServedLeases(leases, noopLogger);
    await ownership.acquire('rebuilt');
    const { owner, served } = servingRecorder();

    ownership.serveWith(owner);

    await expect.poll(() => served).toEqual(['rebuilt']);
  });
});
