/**
 * A client whose ICE restarts did not bring its connections back replaces them
 * (`media.replace`): the old ones close, the others drop its feed, and it
 * receives again, on a new connection, once it published again. A receiving
 * connection the media server hung up is not restarted: the restart fails at
 * once instead of holding everything queued behind it.
 */
import { describe, expect, it } from 'vitest';
import { codeOf } from '../testing/code-of.ts';
import { fakeOffer } from '../testing/fake-media-backend.ts';
import { FakeLink, sessionOnFakeMedia } from '../testing/session-harness.ts';
import { until } from '../testing/until.ts';

const ANSWER = { type: 'answer' as const, sdp: 'v=0\r\n' };

/** ann and ben in a call, both publishing, each receiving the other (offers answered). */
async function annAndBenPublishing() {
  const call = sessionOnFakeMedia();
  const ann = await call.join('ann');
  const ben = await call.join('ben');
  for (const { participant } of [ann, ben]) {
    await call.session.publish(participant, fakeOffer(['audio', 'video']));
    call.publisherOf(participant).connect();
  }
  for (const { participant, link } of [ann, ben]) {
    await until(() => link.got('subscriber.offer').length === 1, `${participant.uid}'s first offer`);
    await call.session.subscriberAnswer(participant, ANSWER);
  }
  return { ...call, ann, ben };
}

describe('a client that replaces its connections', () => {
  it('has its old ones closed, its feed dropped by the others, and receives on a new connection once it published again', async () => {
    const { session, room, ann, ben, heard } = await annAndBenPublishing();
    const oldPublisher = room().publisher(ben.participant.feedId)!;
    const [oldSubscriber] = room().subscribers.filter((s) => s.feeds.includes(ann.participant.feedId));

    await session.replaceMedia(ben.participant);

    expect(oldPublisher.closed).toBe(true);
    expect(oldSubscriber?.closed).toBe(true);
    expect(heard.filter((e) => e.name === 'publication.removed').map((e) => (e.payload as { participant: { uid: string } }).participant.uid)).toEqual(['ben', 'ben']);
    await until(() => ann.link.got('subscriber.offer').length === 2, "ann's offer without ben");
    expect(ann.link.got('subscriber.offer')[1]?.streams.filter((s) => s.active).map((s) => s.uid)).toEqual([]);
    await session.subscriberAnswer(ann.participant, ANSWER);
    expect(ben.participant.state).not.toBe('left'); // nobody saw him leave

    // Nothing reaches his new receiving connection before he published on his new one.
    await new Promise((r) => setTimeout(r, 50));
    expect(ben.link.got('subscriber.offer')).toHaveLength(1);
    await session.publish(ben.participant, fakeOffer(['audio', 'video']));
    room().publisher(ben.participant.feedId)!.connect();

    await until(() => ben.link.got('subscriber.offer').length === 2, "ben's offer on his new connection");
    expect(ben.link.got('subscriber.offer')[1]?.streams.map((s) => `${s.uid}:${s.kind}`)).toEqual(['ann:audio', 'ann:video']);
    const newSubscriber = room().subscribers.at(-1)!;
    expect(newSubscriber).not.toBe(oldSubscriber);
    expect(ben.participant.mediaRestartPending).toBeUndefined();
    // ann receives his new feed.
    await until(() => ann.link.got('subscriber.offer').some((o, i) => i >= 2 && o.streams.some((s) => s.uid === 'ben' && s.active)), "ann's offer with ben again");
  });

  it('whose socket dropped before it published again is told, as it resumes, to publish and subscribe again', async () => {
    const { session, ben } = await annAndBenPublishing();
    await session.replaceMedia(ben.participant);
    expect(await session.resume(ben.participant, new FakeLink())).toEqual({ mediaRestart: 'connections-replaced' });
  });
});

describe('a receiving connection the media server hung up', () => {
  it('fails an ICE restart at once with MEDIA_ERROR, and the next change still reaches the client', async () => {
    const { session, room, ann, ben, join } = await annAndBenPublishing();
    const [bensSubscriber] = room().subscribers.filter((s) => s.feeds.includes(ann.participant.feedId));
    bensSubscriber!.hangUp();

    expect(await codeOf(session.restartIce(ben.participant, 'subscriber'))).toBe('MEDIA_ERROR');

    const cy = await join('cy');
    await session.publish(cy.participant, fakeOffer(['audio']));
    room().publisher(cy.participant.feedId)!.connect();
    await until(() => ben.link.got('subscriber.offer').length === 2, "ben's offer with cy");
  });
});
