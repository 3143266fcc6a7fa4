/**
 * Screen shares on the fake media backend: a second publisher connection per
 * sharer, its tracks the `screen` publication, everyone told, one share at a time.
 */
import { describe, expect, it } from 'vitest';
import { codeOf } from '../testing/code-of.ts';
import { fakeOffer } from '../testing/fake-media-backend.ts';
import { sessionOnFakeMedia } from '../testing/session-harness.ts';
import { until } from '../testing/until.ts';

const ANSWER = { type: 'answer' as const, sdp: 'v=0\r\n' };

/** A session where ann and ben publish their camera and microphone, and each receives the other. */
async function callOfTwo() {
  const call = sessionOnFakeMedia();
  const ann = await call.join('ann');
  const ben = await call.join('ben');
  for (const p of [ann, ben]) {
    await call.session.publish(p.participant, fakeOffer(['audio', 'video']));
    call.publisherOf(p.participant).connect();
  }
  await until(() => ben.link.got('subscriber.offer').length > 0 && ann.link.got('subscriber.offer').length > 0, 'both subscriber offers');
  await call.session.subscriberAnswer(ben.participant, ANSWER);
  await call.session.subscriberAnswer(ann.participant, ANSWER);
  /** The newest publisher connection made for a screen share of `uid`. */
  const screenOf = (uid: string) => call.room().publishers.filter((p) => p.display === `${uid} (screen)`).at(-1);
  return { ...call, ann, ben, screenOf };
}

describe('screen share', () => {
  it('is a second publisher connection whose tracks become the screen publication once media flows', async () => {
    const { session, ann, ben, screenOf, heard } = await callOfTwo();

    await session.publishScreen(ann.participant, fakeOffer(['audio', 'video']));
    const screen = screenOf('ann');
    expect(screen?.feedId).not.toBe(ann.participant.feedId);
    expect(ben.link.got('screenShare.started')).toEqual([]); // nothing to see before its media flows
    screen?.connect();

    await until(() => ben.link.got('screenShare.started').length === 1, 'ben told of the share');
    expect(ann.link.got('screenShare.started')).toEqual([{ uid: 'ann' }]); // the sharer hears it too
    expect(session.screenSharer).toBe('ann');
    const added = heard.filter((h) => h.name === 'publication.added' && h.payload.publication.source === 'screen');
    expect(added.map((h) => (h.name === 'publication.added' ? h.payload.publication.kind : ''))).toEqual(['audio', 'video']);
    await until(() => ben.link.got('subscriber.offer').length === 2, "ben's offer with the share");
    const streams = ben.link.got('subscriber.offer')[1]?.streams ?? [];
    expect(streams.filter((s) => s.source === 'screen').map((s) => `${s.uid}:${s.kind}`)).toEqual(['ann:audio', 'ann:video']);
  });

  it('ends when the sharer stops: everyone is told, drops it, and only then its connection closes', async () => {
    const { session, ann, ben, screenOf } = await callOfTwo();
    await session.publishScreen(ann.participant, fakeOffer(['video']));
    screenOf('ann')?.connect();
    await until(() => ben.link.got('subscriber.offer').length === 2, "ben's offer with the share");
    await session.subscriberAnswer(ben.participant, ANSWER);

    const stopped = session.stopScreen(ann.participant);

    await until(() => ben.link.got('subscriber.offer').length === 3, "ben's offer without the share");
    expect(ben.link.got('subscriber.offer')[2]?.streams.some((s) => s.source === 'screen')).toBe(false);
    expect(ben.link.got('screenShare.stopped')).toEqual([{ uid: 'ann' }]);
    expect(ann.link.got('screenShare.stopped')).toEqual([{ uid: 'ann' }]);
    expect(session.screenSharer).toBeNull();
    // Still open while ben's client has not taken the offer without it: closed first, Janus would renegotiate ben by itself.
    expect(screenOf('ann')?.closed).toBe(false);
    await session.subscriberAnswer(ben.participant, ANSWER);
    await stopped;
    expect(screenOf('ann')?.closed).toBe(true);
  });

  it('is replaced by a newer share: the first sharer is told theirs stopped', async () => {
    const { session, ann, ben, screenOf } = await callOfTwo();
    await session.publishScreen(ann.participant, fakeOffer(['video']));
    screenOf('ann')?.connect();
    await until(() => ben.link.got('screenShare.started').length === 1, 'ann shares');

    await session.publishScreen(ben.participant, fakeOffer(['video']));
    screenOf('ben')?.connect();

    await until(() => ann.link.got('screenShare.started').length === 2, 'ben shares');
    expect(ann.link.got('screenShare.stopped')).toEqual([{ uid: 'ann' }]);
    expect(session.screenSharer).toBe('ben');
    // ann's connection closes once the clients took the offers of the swap
    expect(screenOf('ann')?.closed).toBe(false);
    for (let i = 0; i < 50 && !screenOf('ann')?.closed; i++) {
      for (const p of [ann, ben]) await session.subscriberAnswer(p.participant, ANSWER);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(screenOf('ann')?.closed).toBe(true);
    expect(ben.link.got('subscriber.offer').at(-1)?.streams.some((s) => s.uid === 'ann' && s.source === 'screen')).toBe(false);
    // Stopped before the new one started, so a client never sees two shares at once.
    const order = ann.link.sent.filter((s) => s.event.startsWith('screenShare.')).map((s) => `${s.event}:${(s.data as { uid: string }).uid}`);
    expect(order).toEqual(['screenShare.started:ann', 'screenShare.stopped:ann', 'screenShare.started:ben']);
  });

  it('ends when the sharer leaves', async () => {
    const { session, join, ann, screenOf } = await callOfTwo();
    const cy = await join('cy');
    await session.publishScreen(ann.participant, fakeOffer(['video']));
    screenOf('ann')?.connect();
    await until(() => session.screenSharer === 'ann', 'ann shares');

    await session.leave(ann.participant);

    expect(screenOf('ann')?.closed).toBe(true);
    expect(session.screenSharer).toBeNull();
    expect(cy.link.got('screenShare.stopped')).toEqual([{ uid: 'ann' }]);
  });

  it("restarts ICE on the share's own connection when the sharer's network changed: the media server answers the new offer", async () => {
    const { session, ann, screenOf, publisherOf } = await callOfTwo();
    expect(await codeOf(session.restartIce(ann.participant, 'screen', fakeOffer(['video'])))).toBe('INVALID_STATE');
    await session.publishScreen(ann.participant, fakeOffer(['audio', 'video']));
    screenOf('ann')?.connect();
    const cameraOffers = publisherOf(ann.participant).offers.length;

    const restart = fakeOffer(['audio', 'video']);
    const answer = await session.restartIce(ann.participant, 'screen', restart);

    expect(answer?.type).toBe('answer');
    expect(screenOf('ann')?.offers.at(-1)).toBe(restart);
    expect(publisherOf(ann.participant).offers).toHaveLength(cameraOffers); // the camera's connection is left alone
  });

  it('is stopped harmlessly when there is none, and candidates for it need its connection', async () => {
    const { session, ann } = await callOfTwo();
    await expect(session.stopScreen(ann.participant)).resolves.toBeUndefined();
    await expect(session.trickle(ann.participant, 'screen', null)).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});
