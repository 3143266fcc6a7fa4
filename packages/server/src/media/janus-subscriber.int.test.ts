/**
 * Janus's own renegotiations of a subscriber, against a real Janus and werift peers:
 * Ann and Bob publish, Cleo receives both; Bob goes; then Dan publishes and Cleo
 * subscribes to him. When Bob's publisher leaves the room (our JanusPublisher.close),
 * Janus changes nothing by itself and our unsubscribe offers the change. When Bob is
 * unpublished instead (as a remote publisher removed on another node is), Janus offers
 * the change itself ('updated'), and holds every later update until that offer is
 * answered — so the session must forward it to the browser (SubscriptionManager.offerChange).
 * Our unsubscribe names our own m-lines: by feed, Janus skips one whose publisher is leaving.
 */
import type { SubscriptionChange } from './media-backend.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { useRealJanus } from '../testing/real-janus.ts';
import { until } from '../testing/until.ts';
import { receiveThrough, sendThrough } from '../testing/werift-media.ts';
import type { JanusPublisher } from './janus-publisher.ts';
import { JanusRoom } from './janus-room.ts';

const ANN = 1;
const BOB = 2;
const DAN = 4;

/** The feeds an offer's tracks carry, active ones only. */
const feedsOf = (change: SubscriptionChange) => [...new Set(change.tracks.filter((t) => t.active).map((t) => t.feedId))].sort();

let nextRoom = 8800;

describe("a subscriber's renegotiations when a publisher goes (real Janus)", () => {
  const real = useRealJanus();
  const ends: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const end of ends.splice(0)) await end.close();
  });

  /** Publishes a werift sender as `feedId`; resolves once Janus has its media (as the session waits for `connected`). */
  async function publish(room: JanusRoom, feedId: number): Promise<JanusPublisher> {
    const publisher = await room.createPublisher({ feedId, display: `feed ${feedId}` });
    const connected = new Promise<void>((resolve) => publisher.once('connected', () => resolve()));
    ends.push(await sendThrough(publisher));
    await connected;
    return publisher;
  }

  /** Ann and Bob publish; Cleo receives both, with media flowing. */
  async function cleoReceivesAnnAndBob() {
    const room = await JanusRoom.create(real.session, { roomId: ++nextRoom, description: 'renegotiation', adminKey: real.janus.adminKey });
    ends.push({ close: () => room.destroy() });
    await publish(room, ANN);
    const bob = await publish(room, BOB);
    const subscriber = await room.createSubscriber();
    const janusChanges: SubscriptionChange[] = [];
    subscriber.on('updated', (change) => janusChanges.push(change));
    const cleo = await receiveThrough(subscriber, [ANN, BOB]);
    ends.unshift(cleo);
    await until(() => (cleo.received.get(`${BOB}:video`) ?? 0) > 0, 'Cleo receives Bob');
    return { room, bob, subscriber, cleo, janusChanges };
  }

  it("Bob's publisher leaves: Janus offers nothing by itself; our unsubscribe does, and Dan's subscription is offered and answered", async () => {
    const { room, bob, subscriber, cleo, janusChanges } = await cleoReceivesAnnAndBob();

    await bob.close(); // request 'leave', then detach
    const dropped = await subscriber.unsubscribe([BOB]);
    expect(feedsOf(dropped)).toEqual([ANN]);
    await cleo.renegotiate(dropped);

    await publish(room, DAN);
    const withDan = await subscriber.subscribe([{ feedId: DAN }]);
    expect(withDan.offer?.sdp).toMatch(/a=msid:4 /); // Dan's m-lines
    expect(feedsOf(withDan)).toEqual([ANN, DAN]);
    await cleo.renegotiate(withDan);
    await until(() => (cleo.received.get(`${DAN}:video`) ?? 0) > 0, "Cleo receives Dan's video");
    expect(janusChanges).toEqual([]);
  }, 30_000);

  it("Bob's publisher leaving while we unsubscribe him: his m-lines go inactive, though Janus no longer finds his feed", async () => {
    const { bob, subscriber, cleo } = await cleoReceivesAnnAndBob();
    const leaving = bob.close(); // Janus takes 'leave' first: Bob's feed is gone from the room before his streams are
    const dropped = await subscriber.unsubscribe([BOB]);
    await leaving;
    expect(feedsOf(dropped)).toEqual([ANN]);
    await cleo.renegotiate(dropped);
    expect(feedsOf({ offer: null, tracks: subscriber.tracks })).toEqual([ANN]);
  }, 30_000);

  it("Bob is unpublished: Janus's own offer must be answered, or Dan's subscription is held (no offer) for good", async () => {
    const { room, bob, subscriber, cleo, janusChanges } = await cleoReceivesAnnAndBob();

    await bob.handle.request({ request: 'unpublish' });
    await until(() => janusChanges.length === 1, "Janus's own offer");
    const [bobGone] = janusChanges as [SubscriptionChange];
    expect(bobGone.offer).not.toBeNull();
    expect(feedsOf(bobGone)).toEqual([ANN]);
    await bob.close();
    // Our own unsubscribe finds Janus did it already: nothing more to offer.
    expect((await subscriber.unsubscribe([BOB])).offer).toBeNull();

    // Dan's subscription while Janus's offer waits for its answer: Janus holds it, no offer, no m-lines of his.
    await publish(room, DAN);
    const held = await subscriber.subscribe([{ feedId: DAN }]);
    expect(held.offer).toBeNull();
    expect(feedsOf(held)).toEqual([ANN]);

    // Answering Janus's offer (what the session now forwards to the browser) releases it: Janus offers Dan itself.
    await cleo.renegotiate(bobGone);
    await until(() => janusChanges.length === 2, "Janus's offer of the held update");
    const withDan = janusChanges[1] as SubscriptionChange;
    expect(withDan.offer?.sdp).toMatch(/a=msid:4 /);
    expect(feedsOf(withDan)).toEqual([ANN, DAN]);
    await cleo.renegotiate(withDan);
    await until(() => (cleo.received.get(`${DAN}:video`) ?? 0) > 0, "Cleo receives Dan's video");
  }, 30_000);
});
