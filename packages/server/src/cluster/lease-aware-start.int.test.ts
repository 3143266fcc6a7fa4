/**
 * Issue 17 (safety at start): two server processes on one PostgreSQL and one
 * Redis. A session live on process 1 holds its lease there; process 2,
 * starting, neither rebuilds it nor closes it as dangling, and relays a join
 * to it there. Once process 1 is killed (-9) and its lease lapsed, a process
 * started then takes the session over: rebuilt, and its participant resumes
 * into it. Needs TEST_DATABASE_URL and the test network namespace
 * (scripts/in-netns.sh), like every test with a real Janus.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../defaults.ts';
import { startClusterProcesses } from '../testing/cluster-processes.ts';
import type { ServerProcess } from '../testing/server-process.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { signCallToken } from '../tokens/call-token.ts';

const API_KEY = 'lease-start-api-key-0123456789abcdef';
const TOKEN_SECRET = 'lease-start-token-secret-0123456789abcdefghijklmnop';
const SESSION = 'lease-aware-start-session';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

async function joinCall(s: ServerProcess, uid: string) {
  const { token } = await signCallToken(new TextEncoder().encode(TOKEN_SECRET), 600, { sessionId: SESSION, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(s.url);
  cleanups.push(() => client.close());
  return { client, res: await client.request('join', { token, sessionId: SESSION }) };
}

async function callLog(s: ServerProcess): Promise<any> {
  const r = await fetch(`${s.url}/v1/calls/${SESSION}`, { headers: { authorization: `Bearer ${API_KEY}` } });
  return r.json();
}

describe('a process starting beside a live one, on one PostgreSQL and one Redis', () => {
  it('leaves the session another process owns alone, and takes it over once that owner died and its lease lapsed', async () => {
    const c = await startClusterProcesses({ PARLEY_API_KEY: API_KEY, PARLEY_TOKEN_SECRET: TOKEN_SECRET, PARLEY_RECONNECT_GRACE_MS: '20000', PORT: '0' });
    cleanups.push(() => c.close());
    const leaseOwner = () => c.leaseOwner(SESSION);
    const start = () => c.start();

    const first = await start();
    const ann = await joinCall(first, 'ann');
    expect(ann.res.ok).toBe(true);
    const firstOwner = await leaseOwner();
    expect(firstOwner).toEqual(expect.any(String));

    const second = await start();
    // Process 2 did not close it as dangling, nor take its lease; ann is still in the call on process 1.
    expect(await leaseOwner()).toBe(firstOwner);
    const log = await callLog(second);
    expect(log.status).toBe('ongoing');
    expect(log.participants.map((p: any) => [p.uid, p.leftAt])).toEqual([['ann', null]]);
    // Bob joins through process 2, which relays him to the owner: the session stays on process 1.
    const bob = await joinCall(second, 'bob');
    expect(bob.res.ok ? 'joined' : bob.res.error.code).toBe('joined');
    expect(await leaseOwner()).toBe(firstOwner);

    await first.kill('SIGKILL');
    const killedAt = Date.now();
    while ((await leaseOwner()) !== null) {
      expect(Date.now() - killedAt).toBeLessThan(DEFAULTS.cluster.sessionLeaseTtlMs + 2_000);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`lease lapsed ${Date.now() - killedAt} ms after the kill`);

    const third = await start();
    const thirdOwner = await leaseOwner();
    expect(thirdOwner).toEqual(expect.any(String));
    expect(thirdOwner).not.toBe(firstOwner);
    const client = await TestSignalingClient.open(third.url);
    cleanups.push(() => client.close());
    const resumed = await client.request('resume', { resumeToken: (ann.res as any).result.resumeToken });
    expect(resumed.ok).toBe(true);
    expect((resumed as any).result.mediaRestart).toBe('server-restarted');
    const after = await callLog(third);
    expect(after.status).toBe('ongoing');
    expect(after.participants.map((p: any) => [p.uid, p.leftAt])).toEqual([
      ['ann', null],
      ['bob', null],
    ]);
    // Three server processes started one after another (each up to 14 s on a loaded 2-core machine), and a lease's lapse.
  }, 90_000);
});
