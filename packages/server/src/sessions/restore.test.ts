/**
 * A CallSession rebuilt from its persisted state after a server restart, on
 * the fake media backend: nobody is told of a join, everyone is away until
 * their client resumes (and is then told to publish again), nobody receives
 * before their own client published again, a recording goes on in its folder,
 * and whoever does not come back leaves with the normal reason. Handing a
 * session over stops it here without a word.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '../secrets.ts';
import type { LiveParticipantRecord, LiveSessionRecord } from '../store/live-sessions-store.ts';
import { fakeOffer } from '../testing/fake-media-backend.ts';
import { FakeLink, sessionOnFakeMedia } from '../testing/session-harness.ts';
import { until } from '../testing/until.ts';

const person = (uid: string, feedId: number, more: Partial<LiveParticipantRecord> = {}): LiveParticipantRecord => ({
  uid,
  name: uid.toUpperCase(),
  avatar: null,
  joinedAt: new Date(1_700_000_000_000),
  feedId,
  canRecord: true,
  audioMuted: false,
  videoMuted: false,
  audioOnly: false,
  idleTimeoutSeconds: 180,
  resumeTokenHash: sha256(uid),
  publications: ['microphone', 'camera'],
  ...more,
});

const record = (more: Partial<LiveSessionRecord> = {}): LiveSessionRecord => ({
  sessionId: 's1',
  kind: 'group',
  media: 'video',
  recording: null,
  participants: [person('ann', 1), person('ben', 2, { audioMuted: true })],
  ...more,
});

describe('a session rebuilt after a restart', () => {
  it('is live in a new room with everyone away, mute states kept, and nobody told of a join', async () => {
    const { session, heard, media } = sessionOnFakeMedia();
    await session.restore(record({ recording: { id: 'rec-1', dir: '/data/rec-1' } }), 5_000);

    expect(session.state).toBe('live');
    expect(media.rooms).toHaveLength(1);
    expect(media.rooms[0]?.recordingDir).toBe('/data/rec-1');
    expect(session.recording).toEqual({ recording: true, recordingId: 'rec-1' });
    expect([...session.participants.values()].map((p) => [p.uid, p.state, p.info.isAudioMuted, p.mediaRestartPending])).toEqual([
      ['ann', 'disconnected', false, 'server-restarted'],
      ['ben', 'disconnected', true, 'server-restarted'],
    ]);
    expect(heard).toEqual([]);
  });

  it('takes each client back on resume and tells it to publish again; nobody receives before publishing again', async () => {
    const { session, media } = sessionOnFakeMedia();
    await session.restore(record(), 5_000);
    const ann = session.participants.get('ann')!;
    const ben = session.participants.get('ben')!;
    const annLink = new FakeLink();
    const benLink = new FakeLink();

    expect(await session.resume(ann, annLink)).toEqual({ mediaRestart: 'server-restarted' });
    await session.publish(ann, fakeOffer(['audio', 'video']));
    media.rooms[0]?.publisher(ann.feedId)?.connect();
    await until(() => ann.publishing, "ann's media");
    expect(await session.resume(ben, benLink)).toEqual({ mediaRestart: 'server-restarted' });
    // ben's client has not published on its new connections yet: no offer that would reach its old one
    await new Promise((r) => setTimeout(r, 50));
    expect(benLink.got('subscriber.offer')).toEqual([]);

    await session.publish(ben, fakeOffer(['audio', 'video']));
    await until(() => benLink.got('subscriber.offer').length === 1, "ben's subscriber offer");
    expect(benLink.got('subscriber.offer')[0]?.streams.map((s) => `${s.uid}:${s.source}`)).toEqual(['ann:microphone', 'ann:camera']);
    expect(ben.mediaRestartPending).toBeUndefined();
    // a later resume (a dropped socket) is a plain one again
    expect(await session.resume(ben, new FakeLink())).toEqual({});
  });

  it('lets whoever does not come back leave as disconnected, and ends when nobody is left', async () => {
    const { session, heard, endedCount } = sessionOnFakeMedia();
    await session.restore(record(), 100);
    await session.resume(session.participants.get('ann')!, new FakeLink());

    await until(() => heard.some((e) => e.name === 'participant.left'), 'ben gone', 2_000);
    expect(heard.filter((e) => e.name === 'participant.left').map((e) => [e.payload.participant.uid, 'reason' in e.payload && e.payload.reason])).toEqual([
      ['ben', 'disconnected'],
    ]);
    expect(session.state).toBe('live');

    const alone = sessionOnFakeMedia();
    await alone.session.restore(record({ participants: [person('cy', 1)] }), 50);
    await until(() => alone.session.state === 'ended', 'the empty session ended', 2_000);
    expect(alone.heard.map((e) => e.name)).toEqual(['participant.left', 'session.ended']);
    expect(alone.endedCount()).toBe(1);
    expect(endedCount()).toBe(0);
  });

  it('takes the feed ids as they were, and gives newcomers new ones', async () => {
    const { session, join } = sessionOnFakeMedia();
    await session.restore(record({ participants: [person('ann', 7)] }), 5_000);
    const { participant: dee } = await join('dee');
    expect(session.participants.get('ann')?.feedId).toBe(7);
    expect(dee.feedId).toBe(8);
  });
});

describe('handing a session over (a planned restart)', () => {
  it('stops it here without an event: the room destroyed, nobody told, the registry told it is gone', async () => {
    const { session, join, heard, room, endedCount } = sessionOnFakeMedia();
    const { link } = await join('ann');
    await session.startRecording(session.participants.get('ann')!, () => ({ id: 'rec-2', dir: '/data/rec-2' }));
    const before = heard.length;

    await session.handOver();

    expect(session.state).toBe('ended');
    expect(room().destroyed).toBe(true);
    expect(heard.slice(before)).toEqual([]);
    expect(link.got('session.ended')).toEqual([]);
    expect(endedCount()).toBe(1);
  });
});
