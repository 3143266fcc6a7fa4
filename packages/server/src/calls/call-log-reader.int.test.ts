/**
 * The call log's SQL, run on PGlite and on a real PostgreSQL (TEST_DATABASE_URL,
 * which `npm test` provides): ringing statuses, session stays, durations,
 * recordings, paging and filters. The sessions store writes; the reader reads.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '@parley/protocol';
import type { Store } from '../store/index.ts';
import { createPostgresTestStore, createTestStore, type TestStoreFactory } from '../testing/test-store.ts';
import { RecordingsStore } from '../recording/recordings-store.ts';
import { CallLogReader } from './call-log-reader.ts';

const DATABASES: [string, TestStoreFactory][] = [
  ['PGlite', createTestStore],
  ['PostgreSQL', createPostgresTestStore],
];

function ringingCall(sessionId: string, from: string, to: string, at: number, type: 'audio' | 'video' = 'audio'): Call {
  return {
    sessionId,
    type,
    kind: 'direct',
    status: 'initiated',
    initiator: { uid: from, name: from, avatar: null },
    receiver: { uid: to, name: to, avatar: null },
    initiatedAt: at,
    acceptedAt: null,
    endedAt: null,
  };
}

describe.each(DATABASES)('the call log on %s', (_kind, factory) => {
  let store: Store;
  let log: CallLogReader;
  beforeEach(async () => {
    store = await factory();
    log = new CallLogReader(store.sessions, new RecordingsStore(store.db));
    for (const uid of ['ann', 'bob', 'cy']) await store.users.create({ uid, name: uid.toUpperCase() });
  });
  afterEach(async () => {
    await store?.close();
  });

  it('follows a ringing call from initiated to ended, with stays, durations and minutes', async () => {
    const t0 = Date.now() - 60_000;
    await store.sessions.callInitiated(ringingCall('c1', 'ann', 'bob', t0, 'video'));
    expect((await log.get('c1'))?.status).toBe('initiated');
    await store.sessions.callAccepted('c1', t0 + 2_000);
    await store.sessions.sessionStarted('c1', 'direct', 'audio');
    const a = await store.sessions.participantJoined('c1', 'ann', 'ANN', new Date(t0 + 3_000));
    const b = await store.sessions.participantJoined('c1', 'bob', 'BOB', new Date(t0 + 4_000));
    const live = await log.get('c1');
    expect(live).toMatchObject({ status: 'ongoing', type: 'video', initiator: { uid: 'ann', name: 'ANN' }, receiver: { uid: 'bob', name: 'BOB' } });
    expect(live?.participants.every((p) => p.leftAt === null && p.durationSeconds > 0)).toBe(true);
    await store.sessions.participantLeft(a, new Date(t0 + 33_000), 'left');
    await store.sessions.participantLeft(b, new Date(t0 + 34_000), 'left');
    await store.sessions.callFinished('c1', 'ended', 'call-ended');
    await store.sessions.sessionEnded('c1', 'call-ended');
    const ended = await log.get('c1');
    expect(ended?.status).toBe('ended');
    expect(ended?.endReason).toBe('call-ended');
    expect(ended?.participants.map((p) => [p.uid, p.durationSeconds])).toEqual([
      ['ann', 30],
      ['bob', 30],
    ]);
    expect(ended?.videoMinutes).toBe(1);
    expect(ended?.audioMinutes).toBe(0);
    expect(ended?.hasRecording).toBe(false);
    expect(await log.isParty('c1', 'bob')).toBe(true);
    expect(await log.isParty('c1', 'cy')).toBe(false);
  });

  it('keeps a final status: a finished call is not finished again', async () => {
    await store.sessions.callInitiated(ringingCall('c2', 'ann', 'bob', Date.now()));
    await store.sessions.callFinished('c2', 'rejected', 'rejected');
    await store.sessions.callFinished('c2', 'unanswered', 'unanswered');
    expect(await log.get('c2')).toMatchObject({ status: 'rejected', endReason: 'rejected', durationSeconds: 0, participants: [] });
  });

  it('lists the recordings of a session', async () => {
    await store.sessions.sessionStarted('s-rec', 'group', 'video');
    await store.db.query(
      `insert into recordings (id, session_id, status, started_by, started_by_name, started_at, raw_dir, duration_ms)
       values ('00000000-0000-4000-8000-000000000001', 's-rec', 'ready', 'ann', 'ANN', now(), '/tmp/x', 5000)`,
    );
    const got = await log.get('s-rec');
    expect(got?.hasRecording).toBe(true);
    expect(got?.recordings).toEqual([
      expect.objectContaining({ id: '00000000-0000-4000-8000-000000000001', status: 'ready', durationMs: 5000, fileUrl: '/v1/recordings/00000000-0000-4000-8000-000000000001/file' }),
    ]);
  });

  it('pages newest first, filters by user and status, and cancels calls left ringing', async () => {
    const base = Date.now() - 100_000;
    for (let i = 0; i < 7; i++) await store.sessions.callInitiated(ringingCall(`p${i}`, i % 2 ? 'ann' : 'cy', 'bob', base + i * 1_000));
    await store.sessions.callFinished('p0', 'busy', 'busy');
    await store.sessions.callFinished('p1', 'busy', 'busy');
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await log.list({ limit: 3, cursor });
      ids.push(...page.items.map((c) => c.sessionId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toEqual(['p6', 'p5', 'p4', 'p3', 'p2', 'p1', 'p0']);
    expect((await log.list({ limit: 10, uid: 'ann' })).items.map((c) => c.sessionId)).toEqual(['p5', 'p3', 'p1']);
    expect((await log.list({ limit: 10, statuses: ['busy'] })).items.map((c) => c.sessionId)).toEqual(['p1', 'p0']);
    expect((await log.list({ limit: 10, uid: 'ann', statuses: ['busy', 'ended'] })).items.map((c) => c.sessionId)).toEqual(['p1']);
    expect((await log.list({ limit: 2, cursor: 'garbage' })).items.map((c) => c.sessionId)).toEqual(['p6', 'p5']);
    await store.sessions.closeDangling('server-restart');
    expect((await log.list({ limit: 10, statuses: ['initiated'] })).items).toEqual([]);
    expect((await log.get('p6'))?.status).toBe('cancelled');
  });
});
