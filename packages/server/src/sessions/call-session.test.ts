/**
 * A CallSession driven through the fake media backend: what it asks of the
 * media plane and what its clients are sent, without Janus.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { codeOf } from '../testing/code-of.ts';
import { fakeOffer } from '../testing/fake-media-backend.ts';
import { FakeLink, sessionOnFakeMedia } from '../testing/session-harness.ts';
import { until } from '../testing/until.ts';

const ANSWER = { type: 'answer' as const, sdp: 'v=0\r\n' };

describe('publishing', () => {
  it('makes publications once media flows, and everyone else receives them with their sources', async () => {
    const { session, join, publisherOf, room } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    const { participant: ben, link: benLink } = await join('ben');

    const answer = await session.publish(ann, fakeOffer(['audio', 'video']));
    expect(answer.type).toBe('answer');
    expect(ann.publications).toEqual([]); // nothing to receive before media flows
    publisherOf(ann).connect();

    await until(() => benLink.got('subscriber.offer').length > 0, "ben's subscriber offer");
    expect(ann.publications.map((p) => p.source)).toEqual(['microphone', 'camera']);
    expect(room().subscribers[0]?.feeds).toEqual([ann.feedId]);
    expect(benLink.got('subscriber.offer')[0]?.streams).toEqual([
      { mid: '0', uid: 'ann', source: 'microphone', kind: 'audio', active: true },
      { mid: '1', uid: 'ann', source: 'camera', kind: 'video', active: true },
    ]);
    await session.subscriberAnswer(ben, ANSWER);
    expect(room().subscribers[0]?.answers).toBe(1);
    expect(ben.subscribedFeeds.has(ann.feedId)).toBe(true);
  });

  it('lets a newcomer receive what is published already', async () => {
    const { session, join, publisherOf } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    await session.publish(ann, fakeOffer(['audio']));
    publisherOf(ann).connect();
    await until(() => ann.publishing, "ann's media");
    const { link: cyLink } = await join('cy');
    await until(() => cyLink.got('subscriber.offer').length > 0, "cy's subscriber offer");
    expect(cyLink.got('subscriber.offer')[0]?.streams.map((s) => `${s.uid}:${s.source}`)).toEqual(['ann:microphone']);
  });

  it("ends a publisher's publications when it hangs up, so a newcomer's subscription leaves its feed out; media again brings them back", async () => {
    const { session, join, publisherOf } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    const { participant: ben } = await join('ben');
    for (const p of [ann, ben]) {
      await session.publish(p, fakeOffer(['audio', 'video']));
      publisherOf(p).connect();
    }
    await until(() => ann.publishing && ben.publishing, 'both publishing');

    // Ann's browser closed her connections (her SDK gave up while offline): the media server unpublished her.
    publisherOf(ann).emit('disconnected', 'DTLS alert');
    await until(() => ann.publications.length === 0, "ann's publications ended");
    const { link: cyLink } = await join('cy');
    await until(() => cyLink.got('subscriber.offer').length > 0, "cy's subscriber offer");
    expect(cyLink.got('subscriber.offer')[0]?.streams.map((s) => s.uid)).toEqual(['ben', 'ben']);

    // Her client publishes again on the same connection: she is received again.
    publisherOf(ann).connect();
    await until(() => ann.publications.length === 2, "ann's publications back");
  });

  it("asks the publishers a newcomer receives for a key frame once the newcomer's connection is up", async () => {
    const { session, join, publisherOf, room } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    await session.publish(ann, fakeOffer(['audio', 'video']));
    publisherOf(ann).connect();
    await until(() => ann.publishing, "ann's media");
    const { link: benLink } = await join('ben');
    await until(() => benLink.got('subscriber.offer').length > 0, "ben's subscriber offer");
    const before = publisherOf(ann).keyFrames;

    room().subscribers[0]?.emit('connected');

    await until(() => publisherOf(ann).keyFrames > before, 'a key frame request to ann');
  });

  it("asks a sender for key frames when its video reaches the media server again after an outage, not when it first starts", async () => {
    const { session, join, publisherOf } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    await session.publish(ann, fakeOffer(['audio', 'video']));
    publisherOf(ann).connect();
    await until(() => ann.publishing, "ann's media");
    const publisher = publisherOf(ann);
    const atStart = publisher.keyFrames;
    publisher.emit('receiving', true, 'audio');
    publisher.emit('receiving', true, 'video');
    await new Promise((r) => setTimeout(r, 20));
    expect(publisher.keyFrames).toBe(atStart); // a first start begins with a key frame anyway

    // Her link goes down: nothing of hers arrives; then it returns.
    publisher.emit('receiving', false, 'audio');
    publisher.emit('receiving', false, 'video');
    publisher.emit('receiving', true, 'audio');
    publisher.emit('receiving', true, 'video');

    await until(() => publisher.keyFrames === atStart + 2, 'key frame requests now and 0.3 s later');
    await until(() => publisher.keyFrames === atStart + 3, 'and once more 1.1 s later');
  });

  it("asks them again when the newcomer's client says its connection carries media again after an ICE restart", async () => {
    const { session, join, publisherOf } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    await session.publish(ann, fakeOffer(['audio', 'video']));
    publisherOf(ann).connect();
    await until(() => ann.publishing, "ann's media");
    const { participant: ben, link: benLink } = await join('ben');
    await until(() => benLink.got('subscriber.offer').length > 0, "ben's subscriber offer");
    await session.subscriberAnswer(ben, ANSWER);
    const before = publisherOf(ann).keyFrames;

    session.subscriberRestored(ben);

    await until(() => publisherOf(ann).keyFrames > before, 'a key frame request to ann');
  });

  it('refuses a publish from someone who is no longer in the session', async () => {
    const { session, join } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    await join('ben');
    await session.leave(ann);
    expect(await codeOf(session.publish(ann, fakeOffer()))).toBe('NOT_JOINED');
  });
});

describe("the media server's own subscription changes", () => {
  it('offers one to the client in turn: after the offer waiting for its answer, and before the next change', async () => {
    const { session, join, publisherOf, room } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    const { participant: ben, link: benLink } = await join('ben');
    const { participant: cy } = await join('cy');
    await session.publish(ann, fakeOffer(['audio', 'video']));
    publisherOf(ann).connect();
    await until(() => benLink.got('subscriber.offer').length === 1, "ben's first offer");
    const subscriber = room().subscribers[0];

    // Janus renegotiates by itself (a remote publisher left) while Ben's first offer waits for his answer.
    const own = { type: 'offer' as const, sdp: 'janus own offer\r\n' };
    subscriber?.emit('updated', { offer: own, tracks: subscriber.tracks });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(benLink.got('subscriber.offer')).toHaveLength(1);
    await session.subscriberAnswer(ben, ANSWER);
    await until(() => benLink.got('subscriber.offer').length === 2, "Janus's own offer");
    expect(benLink.got('subscriber.offer')[1]?.jsep).toEqual(own);
    expect(benLink.got('subscriber.offer')[1]?.streams.map((s) => `${s.uid}:${s.source}`)).toEqual(['ann:microphone', 'ann:camera']);

    // Cy publishes: Ben's next change waits for his answer to Janus's offer.
    await session.publish(cy, fakeOffer(['audio']));
    publisherOf(cy).connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(benLink.got('subscriber.offer')).toHaveLength(2);
    await session.subscriberAnswer(ben, ANSWER);
    await until(() => benLink.got('subscriber.offer').length === 3, "ben's offer of cy");
    expect(subscriber?.answers).toBe(2);
  });
});

describe('leaving', () => {
  it('removes what the leaver published, and the others stop receiving it', async () => {
    const { session, join, publisherOf, room, heard } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    const { participant: ben, link: benLink } = await join('ben');
    await join('cy');
    await session.publish(ann, fakeOffer(['audio', 'video']));
    publisherOf(ann).connect();
    await until(() => benLink.got('subscriber.offer').length === 1, "ben's first offer");
    await session.subscriberAnswer(ben, ANSWER);

    await session.leave(ann);
    expect(room().publishers[0]?.closed).toBe(true);
    expect(heard.filter((h) => h.name === 'publication.removed').map((h) => h.name === 'publication.removed' && h.payload.publication.source)).toEqual([
      'microphone',
      'camera',
    ]);
    await until(() => benLink.got('subscriber.offer').length === 2, "ben's offer without ann");
    expect(benLink.got('subscriber.offer')[1]?.streams).toEqual([]); // ann's tracks are inactive and nobody's now
    expect(ben.subscribedFeeds.size).toBe(0);
    expect(benLink.got('participant.left').map((l) => [l.participant.uid, l.reason])).toEqual([['ann', 'left']]);
  });

  it('ends a group session with its last participant, and destroys its room', async () => {
    const { session, join, room, endedCount } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    await session.leave(ann);
    expect(session.state).toBe('ended');
    expect(room().destroyed).toBe(true);
    expect(endedCount()).toBe(1);
  });

  it('ends a direct call for both when one leaves', async () => {
    const { session, join, room } = sessionOnFakeMedia('direct');
    const { participant: ann } = await join('ann');
    const { link: benLink } = await join('ben');
    await session.leave(ann);
    expect(benLink.got('session.ended')).toEqual([{ reason: 'call-ended' }]);
    expect(benLink.closedWith).toBe('call-ended');
    expect(room().destroyed).toBe(true);
  });
});

describe('a socket that drops', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the participant for the grace period, and a stale socket closing changes nothing', async () => {
    vi.useFakeTimers();
    const { session, join } = sessionOnFakeMedia();
    const { participant: ann, link: oldLink } = await join('ann');
    await join('ben');
    const newLink = new FakeLink();
    await session.resume(ann, newLink);
    expect(oldLink.closedWith).toBe('resumed elsewhere');
    session.disconnected(ann, oldLink); // the old socket's close arrives late
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ann.state).toBe('joined');

    session.disconnected(ann, newLink);
    await vi.advanceTimersByTimeAsync(999);
    expect(ann.state).toBe('disconnected');
    await vi.advanceTimersByTimeAsync(1);
    expect(ann.state).toBe('left');
    expect(session.participants.has('ann')).toBe(false);
  });
});

describe('switching an audio session to video', () => {
  it('lets everyone send video, records the media, and a new camera reaches those who receive the feed', async () => {
    const { session, join, publisherOf, heard, room } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann', { audioOnly: true });
    const { participant: ben, link: benLink } = await join('ben', { audioOnly: true });
    await session.publish(ann, fakeOffer(['audio']));
    publisherOf(ann).connect();
    await until(() => benLink.got('subscriber.offer').length === 1, "ben's offer of ann's microphone");
    await session.subscriberAnswer(ben, ANSWER);

    await session.requestVideoSwitch(ben);
    await session.answerVideoSwitch(ann, true);
    expect(session.media).toBe('video');
    expect([ann.info.isAudioOnly, ben.info.isAudioOnly]).toEqual([false, false]);
    expect(heard.filter((h) => h.name === 'session.mediaChanged')).toHaveLength(1);

    await session.publish(ann, fakeOffer(['audio', 'video'])); // ann's camera is on now
    expect(heard.at(-1)).toMatchObject({ name: 'publication.added', payload: { publication: { source: 'camera' } } });
    await until(() => benLink.got('subscriber.offer').length === 2, "ben's offer of ann's camera");
    expect(benLink.got('subscriber.offer')[1]?.streams.map((s) => `${s.uid}:${s.source}`)).toEqual(['ann:microphone', 'ann:camera']);
    expect(room().subscribers).toHaveLength(1); // the same subscriber connection, updated
  });
});

describe('recording', () => {
  it('records the room into the target while it records, and the session ending stops it', async () => {
    const { session, join, room, heard } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    let targets = 0;
    const target = () => ({ id: `rec-${++targets}`, dir: `/rec/${targets}` });
    expect(await session.startRecording(ann, target)).toEqual({ recording: true, recordingId: 'rec-1' });
    expect(await session.startRecording(ann, target)).toEqual({ recording: true, recordingId: 'rec-1' }); // harmless, no new target
    expect(targets).toBe(1);
    expect(room().recordingDir).toBe('/rec/1');
    await session.end('server-shutdown');
    expect(room().recordingDir).toBeUndefined();
    expect(heard.find((h) => h.name === 'recording.stopped')).toMatchObject({ payload: { recordingId: 'rec-1', by: null } });
  });
});

describe('the active speaker', () => {
  it('goes to everyone, and someone who joins later learns who speaks', async () => {
    const { session, join, publisherOf } = sessionOnFakeMedia();
    const { participant: ann, link: annLink } = await join('ann');
    await session.publish(ann, fakeOffer(['audio']));
    publisherOf(ann).talk(true);
    expect(annLink.got('session.activeSpeaker')).toEqual([{ uid: 'ann' }]);
    const { link: benLink } = await join('ben');
    expect(benLink.got('session.activeSpeaker')).toEqual([{ uid: 'ann' }]);
    expect(session.activeSpeaker).toBe('ann');
  });
});
