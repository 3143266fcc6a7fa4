/**
 * Every 2xx means the change is durable: a server killed with -9 in the
 * middle of a burst of 500 user creations, then started again on the same
 * data, has every user whose creation it answered with 201 — on PGlite (its
 * files in DATA_DIR) and on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { createTestDatabase } from '../testing/test-store.ts';

const API_KEY = 'pk_durability_test_0123456789abcdef';
const USERS = 500;
const IN_FLIGHT = 20;
/** Kill once this many creations have been answered: mid-burst, with requests still in flight. */
const KILL_AFTER = 200;

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function createUser(url: string, uid: string): Promise<number> {
  try {
    const r = await fetch(`${url}/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ uid, name: `User ${uid}` }),
    });
    return r.status;
  } catch {
    return 0; // the server died with this request in flight: no answer, no promise made
  }
}

/** Fires USERS creations, IN_FLIGHT at a time, and kills the server with -9 after KILL_AFTER answers. */
async function burstAndKill(server: ServerProcess): Promise<{ created: string[]; unanswered: number }> {
  const created: string[] = [];
  let answered = 0;
  let unanswered = 0;
  let next = 0;
  let killing: Promise<void> | undefined;
  const worker = async () => {
    while (next < USERS) {
      const uid = `burst-${next++}`;
      const status = await createUser(server.url, uid);
      if (status === 201) created.push(uid);
      if (status === 0) unanswered++;
      if (status !== 0 && ++answered === KILL_AFTER) killing = server.kill('SIGKILL');
      if (killing) break;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await killing;
  return { created, unanswered };
}

async function missingUsers(url: string, uids: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const uid of uids) {
    const r = await fetch(`${url}/v1/users/${uid}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    if (r.status !== 200) missing.push(uid);
  }
  return missing;
}

describe.each([
  ['PGlite', async () => ({})],
  [
    'PostgreSQL',
    async () => {
      const database = await createTestDatabase();
      cleanups.push(() => database.drop());
      return { DATABASE_URL: database.url };
    },
  ],
])('a server killed with -9 during a burst of user creations, on %s', (_, databaseEnv) => {
  it('has every user it answered 201 for after a restart on the same data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-durability-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = { DATA_DIR: dataDir, PARLEY_API_KEY: API_KEY, LOG_LEVEL: 'warn', ...(await databaseEnv()) };

    const first = await startServerProcess(env);
    cleanups.push(() => first.kill('SIGKILL'));
    const { created } = await burstAndKill(first);
    expect(created.length).toBeGreaterThanOrEqual(KILL_AFTER - IN_FLIGHT);

    const second = await startServerProcess(env);
    cleanups.push(() => second.kill('SIGKILL'));
    expect(await missingUsers(second.url, created)).toEqual([]);
    await second.kill('SIGTERM');
  }, 120_000);
});
