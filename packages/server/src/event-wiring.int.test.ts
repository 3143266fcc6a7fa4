/**
 * A join asks the embedded database to hold back (store/database.ts), before
 * the writes the join causes are asked for: those writes (the stay, the live
 * state) start after the hold, so the newcomer's subscriber offer goes first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from './defaults.ts';
import { TestSignalingClient } from './testing/signaling-client.ts';
import { startTestServer, type TestServer } from './testing/test-server.ts';
import { signCallToken } from './tokens/call-token.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { media: true });
});
afterAll(() => server?.close());

describe('a join and the embedded database', () => {
  it('holds the database back before the join writes anything', async () => {
    const join = async (uid: string) => {
      const { token } = await signCallToken(server.tokenSecret, 600, { sessionId: 'held-join', uid, name: uid, avatar: null, kind: 'group' });
      const client = await TestSignalingClient.open(server.url);
      expect((await client.request('join', { token, sessionId: 'held-join' })).ok).toBe(true);
      return client;
    };
    const first = await join('held-first'); // the session's start and its first stay are written
    await new Promise((resolve) => setTimeout(resolve, 200));

    const db = server.services.store.db;
    const seen: string[] = [];
    const { holdFor, query, transaction } = db;
    Object.assign(db, {
      holdFor: (ms: number) => {
        seen.push(`hold ${ms}`);
        holdFor(ms);
      },
      query: (sql: string, params?: unknown[]) => {
        seen.push('query');
        return query(sql, params);
      },
      transaction: (fn: Parameters<typeof transaction>[0]) => {
        seen.push('transaction');
        return transaction(fn);
      },
    });
    try {
      const second = await join('held-second');
      await expect.poll(() => seen.length).toBeGreaterThan(1);
      expect(seen[0]).toBe(`hold ${DEFAULTS.embeddedDatabaseJoinHoldMs}`);
      second.close();
    } finally {
      Object.assign(db, { holdFor, query, transaction });
      first.close();
    }
  });
});
