/**
 * Who receives whose media in a session. A participant's publications go on
 * the domain event stream once their media reaches the room (and when it
 * stops), and everyone else's subscription follows: camera and microphone,
 * screen shares (ScreenShares, one at a time), the tracks a switch to video
 * adds. The session calls it on its queue; each subscription changes on its
 * participant's own queue (SubscriptionManager), as it waits for that client's
 * answer.
 */
import type { Logger } from 'pino';
import type { AnswerJsep, MediaRoom, OfferJsep, SubscriptionChange } from '../media/media-backend.ts';
import type { DomainEvents, SessionView } from './domain-events.ts';
import type { SessionParticipant } from './participant.ts';
import type { Publication } from './publications.ts';
import { ScreenShares } from './screen-share.ts';
import type { SessionRoster } from './session-roster.ts';
import { SubscriptionManager } from './subscriptions.ts';

/** What publishing needs of its session. */
export interface PublishingHost {
  readonly session: SessionView;
  readonly roster: SessionRoster;
  readonly events: DomainEvents;
  /** False once the session is ending or ended. */
  isOpen(): boolean;
  /** The media room now; undefined while it is being made again. */
  room(): MediaRoom | undefined;
}

export class SessionPublishing {
  readonly #subscriptions: SubscriptionManager;
  readonly #screens: ScreenShares;

  constructor(
    private readonly host: PublishingHost,
    log: Logger,
  ) {
    const { roster } = host;
    this.#subscriptions = new SubscriptionManager(
      {
        // Someone whose client has yet to publish in a room made anew receives nothing until it does (publish).
        members: () => [...roster.values()].filter((p) => !p.mediaRestartPending),
        room: () => (host.isOpen() ? host.room() : undefined),
        describe: (track) => roster.describe(track),
      },
      log,
    );
    this.#screens = new ScreenShares(
      {
        members: () => roster.values(),
        published: (p, added) => this.#published(p, added),
        unpublished: (p, removed) => this.unpublished(p, removed),
        refreshSubscriptions: () =>
          Promise.allSettled(
            [...roster.values()].map((p) => {
              this.#subscriptions.refresh(p);
              return this.#subscriptions.settled(p);
            }),
          ),
      },
      log,
    );
  }

  /** Who shares their screen now (one at a time), or null. */
  get screenSharer(): string | null {
    return this.#screens.sharer;
  }

  /** Their publisher offer, answered by the media server in `room`; the others receive it once media flows (publisherConnected). */
  async publish(participant: SessionParticipant, offer: OfferJsep, room: MediaRoom): Promise<AnswerJsep> {
    const answer = await participant.publish(offer, room);
    if (participant.mediaRestartPending) {
      // Their client publishes on new connections in the room made anew: its new subscriber may receive now.
      participant.mediaRestarted();
      this.#subscriptions.refresh(participant);
    }
    // A track the publisher did not have before (switched to video) reaches those who receive it.
    const added = participant.refreshPublications();
    if (added.length > 0) {
      await this.#published(participant, added);
      this.#subscriptions.addNewTracks(participant);
    }
    return answer;
  }

  /** Their publisher's media reaches the room: its publications are out, and everyone else receives them. */
  async publisherConnected(participant: SessionParticipant): Promise<void> {
    if (participant.state === 'left' || !this.host.isOpen()) return;
    const added = participant.publisherConnected();
    if (added.length > 0) await this.#published(participant, added);
    this.#subscriptions.refreshAllBut(participant);
  }

  /**
   * Their camera publisher hung up, and the media server unpublished it: its publications end, and whoever received
   * them drops them. A newcomer's subscription no longer names the feed, which the media server would refuse (Janus:
   * "No such feed"), failing the newcomer's whole subscription while the publisher's client was away in its grace.
   */
  async publisherHungUp(participant: SessionParticipant): Promise<void> {
    if (participant.state === 'left' || !this.host.isOpen()) return;
    const removed = participant.publisherHungUp();
    if (removed.length > 0) await this.#unpublishedFeeds(participant, removed);
  }

  /** Their screen share's media reaches the room: it replaces any other share, then everyone receives it. */
  screenConnected(participant: SessionParticipant): Promise<void> {
    return this.#screens.connected(participant);
  }

  /** Ends their screen share (harmless when there is none); `ended` resolves once nobody receives it. */
  stopScreen(participant: SessionParticipant): Promise<{ ended: Promise<void> }> {
    return this.#screens.stop(participant);
  }

  /** Brings what `participant` receives up to date: everything published by the others (a newcomer, or someone back). */
  receiveAll(participant: SessionParticipant): void {
    this.#subscriptions.refresh(participant);
  }

  /** The media server changed what `participant` receives by itself: its offer goes to their client in turn. */
  mediaServerChanged(participant: SessionParticipant, change: SubscriptionChange): void {
    this.#subscriptions.offerChange(participant, change);
  }

  /** ICE restart of their subscriber connection, after the subscription changes queued before it. */
  restartSubscriberIce(participant: SessionParticipant): Promise<void> {
    return this.#subscriptions.restartIce(participant);
  }

  /**
   * Their client replaced its publisher and subscriber connections: the old ones are closed, whoever received their
   * feed drops it, and their own subscription is made again once they published (publish).
   */
  async connectionsReplaced(participant: SessionParticipant): Promise<void> {
    if (participant.state === 'left') return;
    await this.#unpublishedFeeds(participant, participant.connectionsReplaced());
  }

  /** `removed` publications of someone still in the call are gone, and whoever received their feeds drops them. */
  async #unpublishedFeeds(participant: SessionParticipant, removed: Publication[]): Promise<void> {
    await this.unpublished(participant, removed);
    this.dropFeeds([...new Set(removed.map((p) => p.feedId))]);
  }

  /** The room went with its node: so did everyone's publications. */
  async mediaLost(): Promise<void> {
    for (const p of this.host.roster.values()) await this.unpublished(p, p.mediaLost());
  }

  /** `removed` publications of `participant` are gone, on the domain event stream. */
  async unpublished(participant: SessionParticipant, removed: Publication[]): Promise<void> {
    for (const publication of removed) await this.host.events.emit('publication.removed', { session: this.host.session, participant, publication });
  }

  /** Feeds of someone who left: whoever received them drops them. */
  dropFeeds(feeds: readonly number[]): void {
    for (const feed of feeds) this.#subscriptions.dropFeed(feed);
  }

  async #published(participant: SessionParticipant, added: Publication[]): Promise<void> {
    for (const publication of added) await this.host.events.emit('publication.added', { session: this.host.session, participant, publication });
  }
}
