/**
 * Subscriptions whose update the media server refused: tried again after
 * DEFAULTS.subscriptionRetryMs, so a newcomer is not left without someone's
 * media until the next change in the call.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../defaults.ts';
import { fakeOffer } from '../testing/fake-media-backend.ts';
import { sessionOnFakeMedia } from '../testing/session-harness.ts';
import { until } from '../testing/until.ts';

/** ann publishes and her media flows; then ben joins, while the media server refuses `refusals` subscriptions. */
async function benJoinsWhileRefused(refusals: number) {
  const call = sessionOnFakeMedia();
  const ann = await call.join('ann');
  await call.session.publish(ann.participant, fakeOffer(['audio', 'video']));
  call.publisherOf(ann.participant).connect();
  call.room().failSubscribes = refusals;
  const ben = await call.join('ben');
  return { ...call, ann, ben };
}

describe('a subscription update the media server refused', () => {
  it('is tried again, and the newcomer receives what it lacked', async () => {
    const { ben, ann, room } = await benJoinsWhileRefused(2);

    await until(() => ben.link.got('subscriber.offer').length === 1, "ben's offer, on the third try");
    expect(room().failSubscribes).toBe(0);
    expect(ben.link.got('subscriber.offer')[0]?.streams.map((s) => `${s.uid}:${s.kind}`)).toEqual(['ann:audio', 'ann:video']);
    expect(ben.participant.subscribedFeeds).toEqual(new Set([ann.participant.feedId]));
  });

  it('is given up after its last try, and the next change in the call still brings it up to date', async () => {
    const tries = DEFAULTS.subscriptionRetryMs.length + 1;
    const { session, ben, ann, room, join } = await benJoinsWhileRefused(tries);
    const allRetries = DEFAULTS.subscriptionRetryMs.reduce((a, b) => a + b, 0);

    await until(() => room().failSubscribes === 0, 'every try refused', allRetries + 2_000);
    await new Promise((r) => setTimeout(r, DEFAULTS.subscriptionRetryMs.at(-1)! + 200));
    expect(ben.link.got('subscriber.offer')).toEqual([]); // no fifth try

    // cy publishes: everyone's subscription is brought up to date, ben's with ann too.
    const cy = await join('cy');
    await session.publish(cy.participant, fakeOffer(['audio', 'video']));
    room().publisher(cy.participant.feedId)?.connect();
    await until(() => ben.link.got('subscriber.offer').length === 1, "ben's offer after cy's arrival");
    expect(ben.participant.subscribedFeeds).toEqual(new Set([ann.participant.feedId, cy.participant.feedId]));
  }, 15_000);
});
