/**
 * The live state a restart rebuilds sessions from, on both databases: what is
 * written reads back as it was; rows that do not parse (hand-edited,
 * truncated, hostile) are refused with the reason instead of trusted or
 * fatal; and what a start keeps decides which stays stay open.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../secrets.ts';
import { createPostgresTestStore, createTestStore, type TestStoreFactory } from '../testing/test-store.ts';
import type { Store } from './index.ts';
import type { LiveParticipantRecord } from './live-sessions-store.ts';

const DATABASES: [string, TestStoreFactory][] = [
  ['PGlite', createTestStore],
  ['PostgreSQL', createPostgresTestStore],
];

const someone = (uid: string, feedId: number, more: Partial<LiveParticipantRecord> = {}): LiveParticipantRecord => ({
  uid,
  name: uid.toUpperCase(),
  avatar: null,
  joinedAt: new Date('2026-01-02T03:04:05.678Z'),
  feedId,
  canRecord: true,
  audioMuted: false,
  videoMuted: false,
  audioOnly: false,
  idleTimeoutSeconds: 180,
  resumeTokenHash: sha256(`token-of-${uid}`),
  publications: [],
  ...more,
});

describe.each(DATABASES)('live sessions on %s', (_kind, factory) => {
  let store: Store;
  beforeEach(async () => {
    store = await factory();
  });
  afterEach(async () => {
    await store?.close();
  });

  it('reads back a session as written: participants, mute states, publications, the recording', async () => {
    await store.live.sessionLive('s1', 'group', 'audio');
    await store.live.participantIn('s1', someone('ann', 1));
    await store.live.participantIn('s1', someone('ben', 2, { avatar: 'https://example.com/b.png' }));
    await store.live.participantChanged('s1', 'ben', { audioMuted: true, videoMuted: true, audioOnly: true, publications: ['microphone'] });
    await store.live.recordingChanged('s1', { id: 'rec-1', dir: '/data/recordings/rec-1/raw' });
    await store.live.mediaChanged('s1', 'video');

    const { sessions, refused } = await store.live.load();
    expect(refused).toEqual([]);
    expect(sessions).toEqual([
      {
        sessionId: 's1',
        kind: 'group',
        media: 'video',
        recording: { id: 'rec-1', dir: '/data/recordings/rec-1/raw' },
        participants: [
          someone('ann', 1),
          someone('ben', 2, { avatar: 'https://example.com/b.png', audioMuted: true, videoMuted: true, publications: ['microphone'] }),
        ],
      },
    ]);
  });

  it('forgets who left and sessions that ended; a session id used again starts clean', async () => {
    await store.live.sessionLive('s2', 'direct', 'video');
    await store.live.participantIn('s2', someone('ann', 1));
    await store.live.participantIn('s2', someone('ben', 2));
    await store.live.recordingChanged('s2', { id: 'rec-2', dir: '/tmp/rec-2' });
    await store.live.participantGone('s2', 'ben');
    expect((await store.live.load()).sessions[0]?.participants.map((p) => p.uid)).toEqual(['ann']);
    await store.live.sessionGone('s2');
    expect(await store.live.load()).toEqual({ sessions: [], refused: [] });

    await store.live.sessionLive('s2', 'direct', 'video');
    await store.live.participantIn('s2', someone('cy', 1));
    expect((await store.live.load()).sessions[0]).toMatchObject({ recording: null, participants: [{ uid: 'cy' }] });
  });

  it('refuses rows that do not parse, with the reason, and keeps the good ones', async () => {
    await store.live.sessionLive('good', 'group', 'video');
    await store.live.participantIn('good', someone('ann', 1));
    await store.live.participantIn('good', someone('bad-hash', 2));
    await store.live.participantIn('good', someone('bad-publications', 3));
    await store.db.query(`update live_participants set resume_token_hash = '\\x00' where uid = 'bad-hash'`);
    await store.db.query(`update live_participants set publications = '{"nested":[[[1]]]}'::jsonb where uid = 'bad-publications'`);
    await store.live.sessionLive('bad-kind', 'group', 'video');
    await store.live.participantIn('bad-kind', someone('cy', 1));
    await store.db.query(`update live_sessions set kind = 'conference' where session_id = 'bad-kind'`);
    await store.live.sessionLive('nobody-valid', 'group', 'video');
    await store.live.participantIn('nobody-valid', someone('dee', 1));
    await store.db.query(`update live_participants set feed_id = -4, name = repeat('x', 5000) where uid = 'dee'`);
    await store.live.sessionLive('one-feed-twice', 'group', 'video');
    await store.live.participantIn('one-feed-twice', someone('eve', 7));
    await store.live.participantIn('one-feed-twice', someone('fay', 7));

    const { sessions, refused } = await store.live.load();
    expect(sessions.map((s) => [s.sessionId, s.participants.map((p) => p.uid)])).toEqual([['good', ['ann']]]);
    expect(refused).toEqual(
      expect.arrayContaining([
        { sessionId: 'good', uid: 'bad-hash', why: expect.stringContaining('resume_token_hash') },
        { sessionId: 'good', uid: 'bad-publications', why: expect.stringContaining('publications') },
        { sessionId: 'bad-kind', why: expect.stringContaining('kind') },
        { sessionId: 'nobody-valid', uid: 'dee', why: expect.stringMatching(/feed_id.*name|name.*feed_id/) },
        { sessionId: 'nobody-valid', why: 'nobody in it to come back' },
        { sessionId: 'one-feed-twice', why: 'two participants with one feed id' },
      ]),
    );
    expect(refused).toHaveLength(6);
  });

  it('a start keeps the stays and rows of what it rebuilt and closes the rest', async () => {
    for (const [sessionId, uids] of [
      ['kept', ['ann', 'ben']],
      ['dropped', ['cy']],
    ] as const) {
      await store.sessions.sessionStarted(sessionId, 'group', 'video');
      await store.live.sessionLive(sessionId, 'group', 'video');
      for (const [i, uid] of uids.entries()) {
        await store.sessions.participantJoined(sessionId, uid, uid, new Date());
        await store.live.participantIn(sessionId, someone(uid, i + 1));
      }
    }
    const kept = [{ sessionId: 'kept', uids: ['ann'] }];
    await store.sessions.closeDangling('server-restart', kept);
    await store.live.forgetAllBut(kept);

    const stays = await store.sessions.staysOf(['kept', 'dropped']);
    expect(stays.map((s) => [s.sessionId, s.uid, s.leaveReason])).toEqual([
      ['kept', 'ann', null],
      ['kept', 'ben', 'server-restart'],
      ['dropped', 'cy', 'server-restart'],
    ]);
    expect((await store.sessions.call('kept'))?.status).toBe('ongoing');
    expect((await store.sessions.call('dropped'))?.endReason).toBe('server-restart');
    expect((await store.live.load()).sessions.map((s) => [s.sessionId, s.participants.map((p) => p.uid)])).toEqual([['kept', ['ann']]]);

    // ann, rebuilt, leaves: her open stay closes
    await store.sessions.openStayLeft('kept', 'ann', new Date(), 'disconnected');
    expect((await store.sessions.staysOf(['kept']))[0]?.leaveReason).toBe('disconnected');
  });
});
