/**
 * The media node goes away under a live session (fake media backend): the
 * session makes its room again and everyone publishes again; nobody leaves.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeOffer } from '../testing/fake-media-backend.ts';
import { FakeLink, sessionOnFakeMedia } from '../testing/session-harness.ts';
import { until } from '../testing/until.ts';

const ANSWER = { type: 'answer' as const, sdp: 'v=0\r\n' };

/** Two people publishing and receiving each other, ann muted. */
async function callOfTwo() {
  const harness = sessionOnFakeMedia();
  const { session, join, media } = harness;
  const ann = await join('ann', { audioMuted: true });
  const ben = await join('ben');
  for (const p of [ann, ben]) {
    await session.publish(p.participant, fakeOffer(['audio', 'video']));
    media.rooms[0]?.publisher(p.participant.feedId)?.connect();
  }
  for (const p of [ann, ben]) {
    await until(() => p.link.got('subscriber.offer').length > 0, `${p.participant.uid}'s subscriber offer`);
    await session.subscriberAnswer(p.participant, ANSWER);
  }
  return { ...harness, ann, ben };
}

describe('the media node going away', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('makes the room again and tells everyone to publish again; nobody leaves and mute states stay', async () => {
    const { session, media, heard, ann, ben } = await callOfTwo();
    media.loseNode();
    await until(() => ann.link.got('media.restart').length > 0 && ben.link.got('media.restart').length > 0, 'both told to publish again');

    expect(ann.link.got('media.restart')).toEqual([{ reason: 'media-node-lost' }]);
    expect(media.rooms).toHaveLength(2);
    expect(session.room).toBe(media.rooms[1]);
    expect(session.state).toBe('live');
    expect(heard.map((h) => h.name)).not.toContain('participant.left');
    expect(heard.map((h) => h.name)).not.toContain('session.ended');
    expect(session.participants.get('ann')?.info.isAudioMuted).toBe(true);
    expect(ann.participant.publishing).toBe(false);
  });

  it('lets each client publish in the new room, and everyone receives the others again on new connections', async () => {
    const { session, media, ann, ben } = await callOfTwo();
    media.loseNode();
    await until(() => session.room === media.rooms[1], 'the new room');
    const room = media.rooms[1]!;

    const offersBefore = ben.link.got('subscriber.offer').length;
    await session.publish(ann.participant, fakeOffer(['audio', 'video']));
    room.publisher(ann.participant.feedId)?.connect();
    await until(() => ann.participant.publishing, "ann's media in the new room");
    // Nothing goes to ben before his client published again: it replaces its connections first.
    await new Promise((r) => setTimeout(r, 50));
    expect(ben.link.got('subscriber.offer')).toHaveLength(offersBefore);
    await session.publish(ben.participant, fakeOffer(['audio', 'video']));
    await until(() => ben.link.got('subscriber.offer').length > offersBefore, "ben's new subscriber offer");

    expect(room.subscribers).toHaveLength(1); // ben's new receiving connection, in the new room
    expect(room.subscribers[0]?.feeds).toEqual([ann.participant.feedId]);
    expect(ben.link.got('subscriber.offer').at(-1)?.streams.map((s) => `${s.uid}:${s.source}`)).toEqual(['ann:microphone', 'ann:camera']);
  });

  it('tells someone who was away when it happened on their resume (mediaRestart), since the media.restart did not reach them', async () => {
    const { session, media, ben } = await callOfTwo();
    session.disconnected(ben.participant, ben.link);
    await until(() => ben.participant.state === 'disconnected', 'ben away');
    media.loseNode();
    await until(() => session.room === media.rooms[1], 'the new room');
    expect(ben.link.got('media.restart')).toEqual([]);

    expect(await session.resume(ben.participant, new FakeLink())).toEqual({ mediaRestart: 'media-node-lost' });
  });

  it('goes on recording into the same folder, so one file covers the whole call', async () => {
    const { session, media, ann } = await callOfTwo();
    await session.startRecording(ann.participant, () => ({ id: 'rec-1', dir: '/tmp/rec-1' }));
    media.loseNode();
    await until(() => session.room === media.rooms[1], 'the new room');
    expect(media.rooms[1]?.recordingDir).toBe('/tmp/rec-1');
    expect(session.recording).toEqual({ recording: true, recordingId: 'rec-1' });
  });

  it('asks again while the node does not answer yet', async () => {
    const { session, media, ann } = await callOfTwo();
    media.failRooms = 3;
    media.loseNode();
    await until(() => ann.link.got('media.restart').length > 0, 'told to publish again', 5_000);
    expect(media.rooms).toHaveLength(2);
    expect(session.state).toBe('live');
  });

  it('answers a publish that comes while the room is being made with MEDIA_UNAVAILABLE, not the end of the session', async () => {
    const { session, media, ann } = await callOfTwo();
    media.failRooms = 1_000;
    media.loseNode();
    await until(() => session.room === undefined, 'the room gone');
    await expect(session.publish(ann.participant, fakeOffer())).rejects.toMatchObject({ code: 'MEDIA_UNAVAILABLE' });
    media.failRooms = 0;
    await until(() => ann.link.got('media.restart').length > 0, 'told to publish again', 5_000);
  });

  it('ends the session with media-failure when no room can be made before the deadline', async () => {
    const { session, media, ann, ben } = await callOfTwo();
    vi.useFakeTimers();
    media.failRooms = Number.POSITIVE_INFINITY;
    media.loseNode();
    await vi.advanceTimersByTimeAsync(31_000);
    vi.useRealTimers();
    await until(() => session.state === 'ended', 'the session to end');
    for (const link of [ann.link, ben.link]) expect(link.got('session.ended')).toEqual([{ reason: 'media-failure' }]);
  });
});
