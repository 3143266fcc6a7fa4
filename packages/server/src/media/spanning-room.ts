/**
 * One session's room spread over several Janus nodes (issue 17.7): a VideoRoom
 * room per node (a leg), each participant's connections all on one leg, and
 * each publisher forwarded to every other leg as a remote publisher under the
 * same feed id (janus-remote-feed.ts) — so a subscriber subscribes on its own
 * node to every feed of the session, local or not, and nothing above the media
 * backend knows the room is spread.
 *
 * A participant goes to the node the placement hint names (tests), else to the
 * least loaded of the session's nodes below the per-node cap (placement's load,
 * else the session's own count), else to a new leg on another node (placement
 * picks it), else — every node full — to the session's least full.
 * A leg whose participants all left is given back. A leg's node lost loses the
 * whole room: the session makes it again (media recovery) and its clients
 * republish, which rebuilds the forwarding too.
 */
import { SerialQueue, TypedEmitter } from '@parley/protocol';
import { reportTo } from '../util/listener-errors.ts';
import type { Logger } from '../util/logger.ts';
import type { JanusPublisher } from './janus-publisher.ts';
import { JanusRemoteFeed } from './janus-remote-feed.ts';
import type { JanusRoom } from './janus-room.ts';
import type { JanusSubscriber } from './janus-subscriber.ts';
import type { AnswerJsep, MediaPublisher, MediaPublisherEvents, MediaRoom, MediaRoomEvents, OfferJsep } from './media-backend.ts';

export interface SpanningRoomOptions {
  /**
   * Makes the session's room on `node`, or when none is named on a node not `taken` (placement
   * picks it); undefined when there is no such node.
   */
  openLeg: (node: string | undefined, taken: readonly string[]) => Promise<JanusRoom | undefined>;
  /** Most participants per node before the session takes another node. */
  participantsPerNode: number;
  /** The least loaded of these nodes (cluster/room-placement.ts); by the session's own count without it. */
  leastLoaded?: ((nodes: readonly string[]) => Promise<string | undefined>) | undefined;
  /** Test-only: the node a participant must be placed on. */
  hint?: ((participant: string) => string | undefined) | undefined;
  /** The address a node receives forwarded media on, when known (the embedded Janus's); else the one Janus answers. */
  mediaAddressOf: (node: string) => string | undefined;
  log: Logger;
}

interface Leg {
  room: JanusRoom;
  /** Participants placed here, with their open connections. */
  members: Map<string, number>;
}

/** A publisher whose `publish` resolves once its feed exists on every leg, so anyone may subscribe to it at once. */
class SpanningPublisher implements MediaPublisher {
  readonly #inner: JanusPublisher;
  readonly #published: (publisher: JanusPublisher) => Promise<void>;
  readonly #renegotiated: (publisher: JanusPublisher) => Promise<void>;

  constructor(inner: JanusPublisher, published: (p: JanusPublisher) => Promise<void>, renegotiated: (p: JanusPublisher) => Promise<void>) {
    this.#inner = inner;
    this.#published = published;
    this.#renegotiated = renegotiated;
  }

  get feedId(): number {
    return this.#inner.feedId;
  }

  get tracks(): MediaPublisher['tracks'] {
    return this.#inner.tracks;
  }

  on<K extends keyof MediaPublisherEvents>(event: K, listener: (...args: MediaPublisherEvents[K]) => unknown): () => void {
    return this.#inner.on(event, listener);
  }

  async publish(offer: OfferJsep): Promise<AnswerJsep> {
    const answer = await this.#inner.publish(offer);
    await this.#published(this.#inner);
    return answer;
  }

  async renegotiate(offer: OfferJsep): Promise<AnswerJsep> {
    const answer = await this.#inner.renegotiate(offer);
    await this.#renegotiated(this.#inner);
    return answer;
  }

  restartIce(offer: OfferJsep): Promise<AnswerJsep> {
    return this.#inner.restartIce(offer);
  }

  requestKeyFrame(): Promise<void> {
    return this.#inner.requestKeyFrame();
  }

  trickle(candidate: Parameters<MediaPublisher['trickle']>[0]): Promise<void> {
    return this.#inner.trickle(candidate);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

export class SpanningRoom extends TypedEmitter<MediaRoomEvents> implements MediaRoom {
  readonly #opts: SpanningRoomOptions;
  readonly #legs: Leg[];
  /** Publishers that published, with their forwarders to the other legs (by node). */
  readonly #forwarded = new Map<JanusPublisher, { source: Leg; byNode: Map<string, JanusRemoteFeed> }>();
  /** Legs and forwarders change one step at a time (a leg opening while someone publishes). */
  readonly #queue = new SerialQueue();
  #destroying: Promise<void> | undefined;

  constructor(home: JanusRoom, opts: SpanningRoomOptions) {
    super(reportTo(opts.log));
    this.#opts = opts;
    this.#legs = [];
    this.#addLeg(home);
  }

  /** The room's number on its first node. */
  get id(): number {
    return this.#home.id;
  }

  /** The first node of the session (the one its load counts on). */
  get node(): string {
    return this.#home.node;
  }

  /** The nodes the session spans now, first one first. */
  get nodes(): string[] {
    return this.#legs.map((l) => l.room.node);
  }

  nodeOf(participant: string): string | undefined {
    return this.#legs.find((l) => l.members.has(participant))?.room.node;
  }

  get #home(): JanusRoom {
    return (this.#legs[0] as Leg).room;
  }

  /** The session's publishers as its first node sees them (the other nodes' as remote publishers). */
  listParticipants(): ReturnType<JanusRoom['listParticipants']> {
    return this.#home.listParticipants();
  }

  async createPublisher(opts: { feedId: number; display: string; participant?: string }): Promise<MediaPublisher> {
    const leg = await this.#legFor(opts.participant);
    const inner = await leg.room.createPublisher(opts);
    this.#count(leg, opts.participant, inner);
    return new SpanningPublisher(
      inner,
      (p) => this.#queue.run(() => this.#forward(p, leg)),
      (p) => this.#queue.run(() => this.#updateForwards(p)),
    );
  }

  async createSubscriber(opts: { participant?: string } = {}): Promise<JanusSubscriber> {
    const leg = await this.#legFor(opts.participant);
    const subscriber = await leg.room.createSubscriber();
    this.#count(leg, opts.participant, subscriber);
    return subscriber;
  }

  /**
   * Records on the first node: the other nodes' publishers are remote publishers there, and Janus
   * records them as its own (spanning-room.int.test.ts), so every file lands in one place.
   */
  startRecording(dir: string): Promise<void> {
    return this.#home.startRecording(dir);
  }

  stopRecording(): Promise<void> {
    return this.#home.stopRecording();
  }

  /** Stops every forwarder, then destroys every leg's room. Idempotent. */
  destroy(): Promise<void> {
    this.#destroying ??= (async () => {
      const feeds = [...this.#forwarded.values()].flatMap(({ byNode }) => [...byNode.values()]);
      this.#forwarded.clear();
      await Promise.all(feeds.map((f) => f.close()));
      await Promise.all(this.#legs.map((l) => l.room.destroy()));
    })();
    return this.#destroying;
  }

  #addLeg(room: JanusRoom): Leg {
    const leg: Leg = { room, members: new Map() };
    this.#legs.push(leg);
    room.on('lost', () => {
      if (!this.#destroying) this.emit('lost');
    });
    return leg;
  }

  /**
   * The leg a participant's connection goes on. They count there from now (before their
   * connection exists), so the leg is not given back meanwhile.
   */
  #legFor(participant: string | undefined): Promise<Leg> {
    return this.#queue.run(async () => {
      const leg = await this.#place(participant);
      if (participant !== undefined && !leg.members.has(participant)) leg.members.set(participant, 0);
      return leg;
    });
  }

  /** Where they already are, else by hint, room and load. */
  async #place(participant: string | undefined): Promise<Leg> {
    const placed = participant === undefined ? undefined : this.#legs.find((l) => l.members.has(participant));
    if (placed) return placed;
    const hinted = participant === undefined ? undefined : this.#opts.hint?.(participant);
    if (hinted !== undefined) return this.#legs.find((l) => l.room.node === hinted) ?? (await this.#open(hinted));
    const roomy = this.#legs.filter((l) => l.members.size < this.#opts.participantsPerNode);
    if (roomy.length > 1) {
      const chosen = await this.#opts.leastLoaded?.(roomy.map((l) => l.room.node)).catch(() => undefined);
      return roomy.find((l) => l.room.node === chosen) ?? leastFull(roomy);
    }
    if (roomy.length === 1) return roomy[0] as Leg;
    return (await this.#open(undefined)) ?? leastFull(this.#legs);
  }

  /**
   * A leg other than the first whose participants all left is given back: the other legs' feeds
   * stop going there and its room goes (the first stays: it records).
   */
  async #release(leg: Leg): Promise<void> {
    if (leg.members.size > 0 || this.#destroying || leg === this.#legs[0] || !this.#legs.includes(leg)) return;
    this.#legs.splice(this.#legs.indexOf(leg), 1);
    const node = leg.room.node;
    const feeds = [...this.#forwarded.values()].flatMap(({ byNode }) => {
      const feed = byNode.get(node);
      byNode.delete(node);
      return feed ? [feed] : [];
    });
    await Promise.all(feeds.map((f) => f.close()));
    await leg.room.destroy().catch((err: unknown) => this.#opts.log.warn({ err, node }, 'an empty node of the session kept its room'));
    this.#opts.log.info({ nodes: this.nodes }, 'the session left a node');
  }

  /** A new leg (on `node` when named, else where placement puts it), with every published feed forwarded to it. */
  async #open(node: string | undefined): Promise<Leg> {
    const room = await this.#opts.openLeg(node, this.nodes);
    if (!room) return leastFull(this.#legs);
    const leg = this.#addLeg(room);
    this.#opts.log.info({ nodes: this.nodes }, 'the session spans another node');
    for (const [publisher, { source, byNode }] of this.#forwarded) byNode.set(room.node, await this.#remote(publisher, source, leg));
    return leg;
  }

  /** Forwards a publisher that just published to every other leg. */
  async #forward(publisher: JanusPublisher, source: Leg): Promise<void> {
    const byNode = new Map<string, JanusRemoteFeed>();
    this.#forwarded.set(publisher, { source, byNode });
    publisher.handle.on('detached', () => void this.#queue.run(() => this.#unforward(publisher)));
    for (const target of this.#legs) if (target !== source) byNode.set(target.room.node, await this.#remote(publisher, source, target));
  }

  async #updateForwards(publisher: JanusPublisher): Promise<void> {
    for (const feed of this.#forwarded.get(publisher)?.byNode.values() ?? []) await feed.update();
  }

  async #unforward(publisher: JanusPublisher): Promise<void> {
    const byNode = this.#forwarded.get(publisher)?.byNode;
    this.#forwarded.delete(publisher);
    await Promise.all([...(byNode?.values() ?? [])].map((f) => f.close()));
  }

  #remote(publisher: JanusPublisher, source: Leg, target: Leg): Promise<JanusRemoteFeed> {
    return JanusRemoteFeed.open({
      publisher,
      source: source.room,
      target: target.room,
      targetAddress: this.#opts.mediaAddressOf(target.room.node),
      log: this.#opts.log,
    });
  }

  /** Counts a participant's connection on its leg until the connection's handle goes. */
  #count(leg: Leg, participant: string | undefined, connection: JanusPublisher | JanusSubscriber): void {
    if (participant === undefined) return;
    leg.members.set(participant, (leg.members.get(participant) ?? 0) + 1);
    connection.handle.on('detached', () => {
      const left = (leg.members.get(participant) ?? 1) - 1;
      if (left > 0) leg.members.set(participant, left);
      else leg.members.delete(participant);
      if (leg.members.size === 0) void this.#queue.run(() => this.#release(leg));
    });
  }
}

function leastFull(legs: readonly Leg[]): Leg {
  return legs.reduce((best, l) => (l.members.size < best.members.size ? l : best));
}
