/**
 * A media backend without a media server, for unit tests of sessions (like
 * mediasoup-client's FakeHandler): it keeps what was asked of it, and a test
 * plays the media plane's part — a publisher's media coming up, someone
 * talking, a node going away.
 */
import { ParleyError, TypedEmitter } from '@parley/protocol';
import type {
  AnswerJsep,
  MediaBackend,
  MediaBackendEvents,
  MediaPublisher,
  MediaPublisherEvents,
  MediaRoom,
  MediaRoomEvents,
  MediaSubscriber,
  OfferJsep,
  PublishedTrack,
  ReceivedTrack,
  SubscriberEvents,
  SubscriptionChange,
  TrackKind,
  VideoStreamSetting,
} from '../media/media-backend.ts';

export const FAKE_NODE = 'fake://node-1';

const report = (event: string, error: unknown) => {
  throw new Error(`a listener of ${event} failed: ${String(error)}`);
};

/** A browser-like offer with one m-line per kind, mids 0, 1, … */
export function fakeOffer(kinds: readonly TrackKind[] = ['audio', 'video'], ufrag = 'ufrag1'): OfferJsep {
  const lines = ['v=0', `a=ice-ufrag:${ufrag}`, ...kinds.flatMap((kind, i) => [`m=${kind} 9 UDP/TLS/RTP/SAVPF 96`, `a=mid:${i}`])];
  return { type: 'offer', sdp: `${lines.join('\r\n')}\r\n` };
}

/** The tracks of an offer made by fakeOffer (or any SDP with m= and a=mid: lines). */
function tracksOf(offer: OfferJsep): PublishedTrack[] {
  const tracks: PublishedTrack[] = [];
  let kind: TrackKind | undefined;
  for (const line of offer.sdp.split(/\r?\n/)) {
    const m = /^m=(audio|video) /.exec(line);
    if (m) kind = m[1] as TrackKind;
    const mid = /^a=mid:(\S+)/.exec(line)?.[1];
    if (mid !== undefined && kind) tracks.push({ mid, kind });
  }
  return tracks;
}

const ANSWER: AnswerJsep = { type: 'answer', sdp: 'v=0\r\n' };

export class FakeMediaBackend extends TypedEmitter<MediaBackendEvents> implements MediaBackend {
  readonly rooms: FakeRoom[] = [];
  /** How many of the next createRoom calls fail, as a node that does not answer yet would. */
  failRooms = 0;

  constructor() {
    super(report);
  }

  async createRoom(sessionId: string): Promise<FakeRoom> {
    if (this.failRooms > 0) {
      this.failRooms--;
      throw new ParleyError('MEDIA_UNAVAILABLE', 'the fake node does not answer');
    }
    const room = new FakeRoom(this.rooms.length + 1, sessionId);
    this.rooms.push(room);
    return room;
  }

  status(): string {
    return `fake media backend, ${this.rooms.length} room(s)`;
  }

  async close(): Promise<void> {}

  /** The node goes away: each room on it is lost, then the backend says so. */
  loseNode(): void {
    for (const room of this.rooms) if (!room.destroyed) room.emit('lost');
    this.emit('nodeLost', FAKE_NODE);
  }
}

export class FakeRoom extends TypedEmitter<MediaRoomEvents> implements MediaRoom {
  readonly node = FAKE_NODE;
  readonly publishers: FakePublisher[] = [];
  readonly subscribers: FakeSubscriber[] = [];
  /** Where it records now, if it does. */
  recordingDir: string | undefined;
  destroyed = false;
  /** How many of the next subscribe calls (by any of its subscribers) fail, as a media server that refuses them would. */
  failSubscribes = 0;

  constructor(
    readonly id: number,
    readonly sessionId: string,
  ) {
    super(report);
  }

  async createPublisher(opts: { feedId: number; display: string }): Promise<FakePublisher> {
    const publisher = new FakePublisher(opts.feedId, opts.display);
    this.publishers.push(publisher);
    return publisher;
  }

  async createSubscriber(): Promise<FakeSubscriber> {
    const subscriber = new FakeSubscriber(this);
    this.subscribers.push(subscriber);
    return subscriber;
  }

  publisher(feedId: number): FakePublisher | undefined {
    return this.publishers.find((p) => p.feedId === feedId && !p.closed);
  }

  async startRecording(dir: string): Promise<void> {
    this.recordingDir = dir;
  }

  async stopRecording(): Promise<void> {
    this.recordingDir = undefined;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    await Promise.all([...this.publishers, ...this.subscribers].map((c) => c.close()));
  }
}

export class FakePublisher extends TypedEmitter<MediaPublisherEvents> implements MediaPublisher {
  tracks: PublishedTrack[] = [];
  readonly offers: OfferJsep[] = [];
  keyFrames = 0;
  closed = false;

  constructor(
    readonly feedId: number,
    readonly display: string,
  ) {
    super(report);
  }

  async publish(offer: OfferJsep): Promise<AnswerJsep> {
    return this.#take(offer);
  }

  async renegotiate(offer: OfferJsep): Promise<AnswerJsep> {
    return this.#take(offer);
  }

  async restartIce(offer: OfferJsep): Promise<AnswerJsep> {
    return this.#take(offer);
  }

  async requestKeyFrame(): Promise<void> {
    this.keyFrames++;
  }

  async trickle(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The test's part: media from the browser reaches the server. */
  connect(): void {
    this.emit('connected');
  }

  /** The test's part: the audio level says this publisher talks (or stopped). */
  talk(talking: boolean): void {
    this.emit('talking', talking);
  }

  #take(offer: OfferJsep): AnswerJsep {
    this.offers.push(offer);
    this.tracks = tracksOf(offer);
    return ANSWER;
  }
}

export class FakeSubscriber extends TypedEmitter<SubscriberEvents> implements MediaSubscriber {
  #tracks: ReceivedTrack[] = [];
  #offers = 0;
  answers = 0;
  closed = false;

  constructor(private readonly room: FakeRoom) {
    super(report);
  }

  get tracks(): ReceivedTrack[] {
    return this.#tracks.map((t) => ({ ...t }));
  }

  /** The feeds it receives now. */
  get feeds(): number[] {
    return [...new Set(this.#tracks.filter((t) => t.active).map((t) => t.feedId))];
  }

  async subscribe(feeds: ReadonlyArray<{ feedId: number; mid?: string }>): Promise<SubscriptionChange> {
    if (this.room.failSubscribes > 0) {
      this.room.failSubscribes--;
      throw new ParleyError('MEDIA_UNAVAILABLE', 'the fake node refused the subscription');
    }
    for (const feed of feeds) {
      const tracks = this.room.publisher(feed.feedId)?.tracks.filter((t) => feed.mid === undefined || t.mid === feed.mid) ?? [];
      for (const t of tracks) this.#tracks.push({ mid: String(this.#tracks.length), feedId: feed.feedId, feedMid: t.mid, kind: t.kind, active: true });
    }
    return this.#change();
  }

  async unsubscribe(feedIds: readonly number[]): Promise<SubscriptionChange> {
    for (const t of this.#tracks) if (feedIds.includes(t.feedId)) t.active = false;
    return this.#change();
  }

  async answer(): Promise<void> {
    this.answers++;
  }

  /** What each video mid sends, as the last setVideo said; a mid never named sends its full picture. */
  readonly video = new Map<string, { send: boolean; layer?: 0 | 1 | 2 }>();

  async setVideo(streams: readonly VideoStreamSetting[]): Promise<void> {
    for (const { mid, ...setting } of streams) this.video.set(mid, setting);
  }

  async restartIce(): Promise<OfferJsep> {
    return (await this.#change()).offer as OfferJsep;
  }

  async trickle(): Promise<void> {}

  /** The media server hangs the connection up (its ICE failed): it is gone, as Janus forgets it. */
  hangUp(reason = 'ICE failed'): void {
    this.emit('disconnected', reason);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  #change(): SubscriptionChange {
    return { offer: { type: 'offer', sdp: `fake subscriber offer ${++this.#offers}\r\n` }, tracks: this.tracks };
  }
}
