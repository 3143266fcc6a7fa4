/**
 * One person in a live session: what everyone sees of them (the protocol's
 * Participant), the link to their client, what they publish and what they
 * receive. The state is theirs: others read it through ParticipantView and
 * change it only through these methods, which their session calls from its
 * queue. Closing a participant closes their connections (a cascade, like a
 * mediasoup Transport closing its Producers).
 */
import {
  type IceCandidate,
  type MediaRestartReason,
  type Participant,
  ParleyError,
  type PeerTarget,
  type ServerEventName,
  type ServerEvents,
  type SessionEndReason,
  StateMachine,
  type Transitions,
  type VideoView,
} from '@parley/protocol';
import type { Logger } from 'pino';
import type { AnswerJsep, ConnectionStats, MediaPublisher, MediaRoom, OfferJsep, ReceivedTrack, SubscriptionChange, TrackKind } from '../media/media-backend.ts';
import type { LinkState } from './link-adaptation.ts';
import { ParticipantSubscription } from './participant-subscription.ts';
import type { DescribeTrack } from './subscriber-video.ts';
import { type Publication, Publications, screen } from './publications.ts';

/** The way back to the participant's client: its signaling connection. */
export interface ParticipantLink {
  send<E extends ServerEventName>(event: E, data: ServerEvents[E]): void;
  /** Ends the connection after the session ended for it. */
  close(reason: string): void;
}

export type ParticipantState = 'joined' | 'disconnected' | 'left';
const PARTICIPANT_TRANSITIONS: Transitions<ParticipantState> = {
  joined: ['disconnected', 'left'],
  disconnected: ['joined', 'left'],
  left: [],
};

/** A participant as everyone but their session sees them: read only. */
export interface ParticipantView {
  readonly uid: string;
  /** Their publisher connection's id in the session's media room. */
  readonly feedId: number;
  readonly canRecord: boolean;
  /** SHA-256 of the secret a new socket presents to take this participant's place. */
  readonly resumeTokenHash: Buffer;
  /** Their idle period (seconds), as their join asked. */
  readonly idleTimeoutSeconds: number;
  /**
   * Why their client must publish and subscribe again before anything reaches it
   * (their media room was made anew while it was away); undefined once it did.
   */
  readonly mediaRestartPending: MediaRestartReason | undefined;
  /** What everyone sees of them (a copy). */
  readonly info: Participant;
  readonly state: ParticipantState;
  /** True once their media flows (others may receive it). */
  readonly publishing: boolean;
  readonly publications: readonly Publication[];
  /** The feeds whose media flows: their camera-and-microphone one, and their screen share's while it is live. */
  readonly publishedFeeds: readonly number[];
  /** Their screen share's media flows (others receive it). */
  readonly sharingScreen: boolean;
  /** The feeds their subscriber connection receives. */
  readonly subscribedFeeds: ReadonlySet<number>;
  /** What their receiving link carries now, as link adaptation judges it (for logs and tests). */
  readonly subscriberLink: LinkState;
  /** Whether `link` is the connection they are reached through now. */
  isLinkedTo(link: ParticipantLink): boolean;
}

/** What their media tells the session (their parent); it acts on it from its queue. */
export interface ParticipantHooks {
  publisherConnected(participant: SessionParticipant): void;
  /** Their camera publisher hung up (the media server unpublished it): nobody can receive it until it connects again. */
  publisherHungUp(participant: SessionParticipant): void;
  /** Their screen share's publisher connection is up: its tracks can become publications. */
  screenConnected(participant: SessionParticipant): void;
  /** They start receiving `feeds` (connection up or back, a resume, a layer switch): their publishers should send key frames now. */
  keyFramesWanted(participant: SessionParticipant, feeds: ReadonlySet<number>): void;
  talking(participant: SessionParticipant, talking: boolean): void;
  /** The media server's view of their camera publisher or subscriber connection. */
  connectionStats(participant: SessionParticipant, connection: 'publisher' | 'subscriber', stats: ConnectionStats): void;
  /** The media server stopped or started again receiving their camera publisher's `kind` of media. */
  receiving(participant: SessionParticipant, kind: TrackKind, receiving: boolean): void;
  /** Whether the publisher of `feedId` is in trouble on its own uplink (sender-health.ts). */
  senderInTrouble(feedId: number): boolean;
  /** The media server changed what they receive by itself; its offer waits its turn among their subscription's changes. */
  subscriptionChanged(participant: SessionParticipant, change: SubscriptionChange): void;
}

export interface ParticipantInit {
  info: Participant;
  feedId: number;
  canRecord: boolean;
  idleTimeoutSeconds: number;
  /** null: rebuilt after a restart, their client not back yet (see `away`). */
  link: ParticipantLink | null;
  resumeTokenHash: Buffer;
  log: Logger;
  hooks: ParticipantHooks;
  /**
   * Rebuilt after a server restart: they start `disconnected`, their client has
   * `graceMs` to resume (then `expired` runs), and it must publish again.
   */
  away?: { graceMs: number; expired: () => void };
}

export class SessionParticipant implements ParticipantView {
  readonly uid: string;
  readonly feedId: number;
  readonly canRecord: boolean;
  readonly resumeTokenHash: Buffer;
  readonly idleTimeoutSeconds: number;
  readonly log: Logger;
  #info: Participant;
  #mediaRestart: MediaRestartReason | undefined;
  #link: ParticipantLink | null;
  #grace: NodeJS.Timeout | undefined;
  readonly #lifecycle: StateMachine<ParticipantState>;
  readonly #hooks: ParticipantHooks;
  readonly #publications = new Publications();
  /** Their screen share's publisher connection and publication, from its first offer until it stops. */
  #screen: Publications | undefined;
  readonly #subscription: ParticipantSubscription;

  constructor(init: ParticipantInit) {
    this.uid = init.info.uid;
    this.feedId = init.feedId;
    this.canRecord = init.canRecord;
    this.resumeTokenHash = init.resumeTokenHash;
    this.idleTimeoutSeconds = init.idleTimeoutSeconds;
    this.log = init.log;
    this.#info = { ...init.info };
    this.#link = init.link;
    this.#hooks = init.hooks;
    this.#lifecycle = new StateMachine<ParticipantState>(init.away ? 'disconnected' : 'joined', PARTICIPANT_TRANSITIONS, (from, to) =>
      this.log.debug({ uid: this.uid, from, to }, 'participant state'),
    );
    this.#subscription = new ParticipantSubscription(this);
    if (init.away) {
      this.#mediaRestart = 'server-restarted';
      this.#grace = setTimeout(init.away.expired, init.away.graceMs);
      this.#grace.unref();
    }
  }

  get mediaRestartPending(): MediaRestartReason | undefined {
    return this.#mediaRestart;
  }

  get info(): Participant {
    return { ...this.#info };
  }

  get state(): ParticipantState {
    return this.#lifecycle.state;
  }

  get publishing(): boolean {
    return this.#publications.live;
  }

  get publications(): readonly Publication[] {
    return [...this.#publications.list(), ...(this.#screen?.list() ?? [])];
  }

  get publishedFeeds(): readonly number[] {
    return [this.#publications, this.#screen].flatMap((p) => (p?.live && p.feedId !== undefined ? [p.feedId] : []));
  }

  /** Every feed they have in the media room, live or not (to drop from others as they leave). */
  get feeds(): readonly number[] {
    return [this.feedId, ...(this.#screen?.feedId !== undefined ? [this.#screen.feedId] : [])];
  }

  get sharingScreen(): boolean {
    return this.#screen?.live ?? false;
  }

  get subscribedFeeds(): ReadonlySet<number> {
    return this.#subscription.feeds;
  }

  get subscriberLink(): LinkState {
    return this.#subscription.video.linkState;
  }

  /** The tracks their subscriber connection receives now. */
  get receivedTracks(): readonly ReceivedTrack[] {
    return this.#subscription.tracks;
  }

  isLinkedTo(link: ParticipantLink): boolean {
    return this.#link === link;
  }

  /** The publication a track of feed `feedId` belongs to, if it is theirs. */
  publicationOf(feedId: number, mid: string | undefined, kind: 'audio' | 'video'): Publication | undefined {
    return this.#publications.find(feedId, mid, kind) ?? this.#screen?.find(feedId, mid, kind);
  }

  send<E extends ServerEventName>(event: E, data: ServerEvents[E]): void {
    this.#link?.send(event, data);
  }

  keyFramesWanted(feeds: ReadonlySet<number>): void {
    this.#hooks.keyFramesWanted(this, feeds);
  }

  /** Their subscriber connection carries media again (after an ICE restart): its feeds send key frames, as when it first came up. */
  subscriberRestored(): void {
    this.#subscription.mediaFlows();
  }

  senderInTrouble(feedId: number): boolean {
    return this.#hooks.senderInTrouble(feedId);
  }

  subscriberStats(stats: ConnectionStats): void {
    this.#hooks.connectionStats(this, 'subscriber', stats);
  }

  subscriptionChanged(change: SubscriptionChange): void {
    this.#hooks.subscriptionChanged(this, change);
  }

  /** Asks their publisher connections for a key frame (someone new receives them); nothing before they publish. */
  async requestKeyFrame(): Promise<void> {
    await Promise.all([this.#publications.requestKeyFrame(), this.#screen?.requestKeyFrame()]);
  }

  // ——— what everyone sees ———

  /** Their new mute state; returns what everyone sees now. */
  setMuted(change: { audioMuted?: boolean; videoMuted?: boolean }): Participant {
    if (change.audioMuted !== undefined) this.#info.isAudioMuted = change.audioMuted;
    if (change.videoMuted !== undefined) this.#info.isVideoMuted = change.videoMuted;
    return this.info;
  }

  /** The session switched to video: they may send video now. */
  allowVideo(): void {
    this.#info.isAudioOnly = false;
  }

  // ——— sending ———

  /** Their publisher offer: the first makes their publisher connection in `room`, later ones renegotiate it. */
  publish(offer: OfferJsep, room: MediaRoom): Promise<AnswerJsep> {
    return this.#publications.offer(offer, async () => this.#hookUp(await room.createPublisher({ feedId: this.feedId, display: this.uid, participant: this.uid })));
  }

  /** Their client published in the room made anew: it has new connections, so it may receive again. */
  mediaRestarted(): void {
    this.#mediaRestart = undefined;
  }

  /** Their media flows: what they publish becomes publications. Returns the new ones. */
  publisherConnected(): Publication[] {
    return this.#publications.connected();
  }

  /** Their camera publisher hung up: what it published ends. Returns that. */
  publisherHungUp(): Publication[] {
    return this.#publications.hungUp();
  }

  /** After a renegotiation: tracks they did not publish before. Returns the new publications. */
  refreshPublications(): Publication[] {
    return this.#publications.refresh();
  }

  /**
   * Their screen share's offer: the first makes a second publisher connection in `room`
   * (a new feed, numbered by `newFeedId`), later ones renegotiate it.
   */
  publishScreen(offer: OfferJsep, room: MediaRoom, newFeedId: () => number): Promise<AnswerJsep> {
    this.#screen ??= new Publications(screen);
    return this.#screen.offer(offer, async () => {
      const publisher = await room.createPublisher({ feedId: newFeedId(), display: `${this.uid} (screen)`, participant: this.uid });
      publisher.on('candidate', (candidate) => this.send('trickle', { target: 'screen', candidate }));
      publisher.on('connected', () => this.#hooks.screenConnected(this));
      publisher.on('disconnected', (reason) => this.log.info({ uid: this.uid, reason }, 'screen publisher hung up'));
      return publisher;
    });
  }

  /** Their screen share's media flows: it becomes the screen publication. Returns what is new. */
  screenConnected(): Publication[] {
    return this.#screen?.connected() ?? [];
  }

  /** Ends their screen share: closes its connection. Returns what it published. */
  async stopScreen(): Promise<Publication[]> {
    const share = this.#screen;
    this.#screen = undefined;
    return (await share?.close()) ?? [];
  }

  /**
   * Ends their screen share in two steps: its publications end now (returned;
   * others then drop it), its connection only with `close`, once they have.
   * Closed first, the media server would renegotiate each receiver by itself,
   * behind the subscriptions' backs.
   */
  endScreen(): { removed: Publication[]; close: () => Promise<void> } {
    const share = this.#screen;
    this.#screen = undefined;
    return {
      removed: share?.list() ?? [],
      close: async () => {
        await share?.close();
      },
    };
  }

  /** ICE restart of their publisher connection, or their screen share's (their network changed): their new offer, the media server's answer. */
  restartPublisherIce(offer: OfferJsep, screen = false): Promise<AnswerJsep> {
    const publications = screen ? this.#screen : this.#publications;
    if (!publications) throw new ParleyError('INVALID_STATE', 'No screen share connection');
    return publications.requirePublisher().restartIce(offer);
  }

  /** A change the media server made to what they receive, offered to their client; resolves once answered. */
  offerSubscriptionChange(change: SubscriptionChange, describe: DescribeTrack): Promise<void> {
    return this.#subscription.offerChange(change, describe);
  }

  /** ICE restart of their subscriber connection: a new offer goes to their client; resolves once answered. */
  restartSubscriberIce(describe: DescribeTrack): Promise<void> {
    return this.#subscription.restartIce(describe);
  }

  async trickle(target: PeerTarget, candidate: IceCandidate | null): Promise<void> {
    if (target === 'subscriber') return this.#subscription.trickle(candidate);
    if (target === 'screen') {
      if (!this.#screen) throw new ParleyError('INVALID_STATE', 'No screen share connection');
      return this.#screen.requirePublisher().trickle(candidate);
    }
    await this.#publications.requirePublisher().trickle(candidate);
  }

  // ——— receiving ———

  /** Stops receiving these feeds (the change is offered to their client). */
  dropFeeds(feedIds: number[], describe: DescribeTrack): Promise<void> {
    return this.#subscription.drop(feedIds, describe);
  }

  /** Receives these feeds, or the named tracks of them (offered to their client, waiting for the answer). */
  receive(feeds: Array<{ feedId: number; mid?: string }>, room: MediaRoom, describe: DescribeTrack): Promise<void> {
    return this.#subscription.add(feeds, () => room.createSubscriber({ participant: this.uid }), describe);
  }

  answerSubscriber(answer: AnswerJsep): Promise<void> {
    return this.#subscription.answer(answer);
  }

  /** How their client shows each remote video now: which layer of each feed they receive, or none. */
  setVideoViews(views: readonly VideoView[]): void {
    this.#subscription.video.setViews(views);
  }

  // ——— their connection ———

  /**
   * Their socket `link` closed: they stay for `graceMs`, then `expired` runs.
   * False (nothing changes) when `link` is not theirs any more.
   */
  disconnected(link: ParticipantLink, graceMs: number, expired: () => void): boolean {
    if (!this.#lifecycle.is('joined') || this.#link !== link) return false;
    this.#lifecycle.to('disconnected');
    this.#link = null;
    this.#grace = setTimeout(expired, graceMs);
    this.#grace.unref();
    return true;
  }

  /** A new connection takes this participant's place; the old one, if any, is closed. */
  resumed(link: ParticipantLink): void {
    if (this.#lifecycle.is('left')) throw new ParleyError('SESSION_ENDED');
    clearTimeout(this.#grace);
    const previous = this.#link;
    this.#link = link;
    if (this.#lifecycle.is('disconnected')) this.#lifecycle.to('joined');
    if (previous && previous !== link) previous.close('resumed elsewhere');
    this.#subscription.resend();
  }

  /** The session is over for them: their client is told why, and its connection closed. */
  dismiss(reason: SessionEndReason): void {
    this.send('session.ended', { reason });
    this.#link?.close(reason);
    this.#link = null;
  }

  /** They are out of the session: nothing reaches their client any more. Their connections close with `close()`. */
  leave(): void {
    clearTimeout(this.#grace);
    this.#lifecycle.to('left');
    this.#link = null;
  }

  /**
   * Their media room was lost with both their connections: they publish and
   * receive nothing until their client publishes again in the room made anew.
   * Returns what they published. They stay in the session.
   */
  mediaLost(): Publication[] {
    this.#mediaRestart = 'media-node-lost';
    this.#subscription.reset();
    const screenShare = this.#screen?.reset() ?? [];
    this.#screen = undefined;
    return [...this.#publications.reset(), ...screenShare];
  }

  /**
   * Their client replaced its publisher and subscriber connections (its ICE restarts did not bring them back):
   * the old ones close, and they receive nothing until their client publishes again. Their screen share has its
   * own connection, and stays. Returns what they published.
   */
  connectionsReplaced(): Publication[] {
    this.#mediaRestart = 'connections-replaced';
    this.#subscription.reset();
    return this.#publications.reset();
  }

  /** Closes their publisher and subscriber connections; returns what they published. Idempotent, never rejects. */
  async close(): Promise<Publication[]> {
    clearTimeout(this.#grace);
    const [removed, screenShare] = await Promise.all([this.#publications.close(), this.stopScreen(), this.#subscription.close()]);
    return [...removed, ...screenShare];
  }

  #hookUp(publisher: MediaPublisher): MediaPublisher {
    publisher.on('candidate', (candidate) => this.send('trickle', { target: 'publisher', candidate }));
    publisher.on('connected', () => this.#hooks.publisherConnected(this));
    publisher.on('talking', (talking) => this.#hooks.talking(this, talking));
    publisher.on('disconnected', (reason) => {
      this.log.info({ uid: this.uid, reason }, 'publisher hung up');
      this.#hooks.publisherHungUp(this);
    });
    publisher.on('slowLink', (info) => this.log.debug({ uid: this.uid, ...info }, 'publisher slow link'));
    publisher.on('stats', (stats) => this.#hooks.connectionStats(this, 'publisher', stats));
    publisher.on('receiving', (receiving, kind) => this.#hooks.receiving(this, kind, receiving));
    return publisher;
  }
}
