/**
 * What one publisher connection of a participant publishes, keyed by source
 * and kind. The camera-and-microphone connection's audio is the microphone,
 * its video the camera; a screen share is a second connection whose tracks
 * (the screen's video, the tab's audio) are both the `screen` publication.
 */
import { ParleyError, type PublicationSource } from '@parley/protocol';
import type { AnswerJsep, MediaPublisher, OfferJsep, TrackKind } from '../media/media-backend.ts';

/** One thing a participant publishes: where it comes from and where it is in the media plane. */
export interface Publication {
  readonly source: PublicationSource;
  readonly kind: TrackKind;
  /** The publisher connection that carries it, and its m-line there. */
  readonly feedId: number;
  readonly mid: string;
}

/** Which publication a track of a publisher connection is, by its kind. */
export type SourceOf = (kind: TrackKind) => PublicationSource;

/** The source of a track of a participant's camera-and-microphone publisher. */
export const cameraOrMicrophone: SourceOf = (kind) => (kind === 'audio' ? 'microphone' : 'camera');

/** Every track of a screen-share publisher is the screen publication. */
export const screen: SourceOf = () => 'screen';

export class Publications {
  #publisher: MediaPublisher | undefined;
  /** True once the publisher's media flows: before that, others have nothing to receive. */
  #live = false;
  #closed = false;
  /** By `source/kind`: a screen publication has a video and (with tab audio) an audio track. */
  readonly #bySource = new Map<string, Publication>();

  constructor(private readonly sourceOf: SourceOf = cameraOrMicrophone) {}

  /** The publisher connection's id in the media room, once it exists. */
  get feedId(): number | undefined {
    return this.#publisher?.feedId;
  }

  /** Media flows from this participant (others may subscribe). */
  get live(): boolean {
    return this.#live;
  }

  list(): Publication[] {
    return [...this.#bySource.values()];
  }

  /** The publication a track of feed `feedId` belongs to: by its mid, or by kind where the backend names no mid. */
  find(feedId: number, mid: string | undefined, kind: TrackKind): Publication | undefined {
    for (const p of this.#bySource.values()) {
      if (p.feedId === feedId && (mid === undefined ? p.kind === kind : p.mid === mid)) return p;
    }
    return undefined;
  }

  /**
   * The browser's offer: the first one makes the publisher connection (with
   * `create`, which also hooks up its events), later ones renegotiate it.
   */
  async offer(offer: OfferJsep, create: () => Promise<MediaPublisher>): Promise<AnswerJsep> {
    if (this.#publisher) return this.#publisher.renegotiate(offer);
    const publisher = await create();
    if (this.#closed) {
      await publisher.close();
      throw new ParleyError('SESSION_ENDED', 'The participant left');
    }
    this.#publisher = publisher;
    return publisher.publish(offer);
  }

  /** The publisher's media flows: its tracks become publications. Returns those that are new. */
  connected(): Publication[] {
    this.#live = true;
    return this.refresh();
  }

  /** After a renegotiation: tracks the publisher did not have before become publications. Returns those. */
  refresh(): Publication[] {
    if (!this.#live || !this.#publisher) return [];
    const added: Publication[] = [];
    for (const track of this.#publisher.tracks) {
      const source = this.sourceOf(track.kind);
      const key = `${source}/${track.kind}`;
      if (this.#bySource.has(key)) continue;
      const publication = { source, kind: track.kind, feedId: this.#publisher.feedId, mid: track.mid };
      this.#bySource.set(key, publication);
      added.push(publication);
    }
    return added;
  }

  /** A key frame from the publisher connection, if there is one whose media flows. */
  async requestKeyFrame(): Promise<void> {
    if (this.#live) await this.#publisher?.requestKeyFrame();
  }

  /** Requires the publisher connection (trickle before the first offer is an error). */
  requirePublisher(): MediaPublisher {
    if (!this.#publisher) throw new ParleyError('INVALID_STATE', 'No publisher connection yet');
    return this.#publisher;
  }

  /**
   * The publisher connection hung up (its browser closed it, or the media
   * server gave up on it): the media server unpublished its tracks, so they
   * are publications no more. The connection stays, for the next offer to
   * make its media flow again (connected() then brings them back). Returns
   * what ended.
   */
  hungUp(): Publication[] {
    const removed = this.list();
    this.#bySource.clear();
    this.#live = false;
    return removed;
  }

  /**
   * The media room was lost, and the publisher connection with it: every
   * publication ends, and the next offer makes a new connection (in the room
   * made again). The dead connection is let go without waiting on its node.
   */
  reset(): Publication[] {
    const removed = this.list();
    this.#bySource.clear();
    this.#live = false;
    const publisher = this.#publisher;
    this.#publisher = undefined;
    void publisher?.close();
    return removed;
  }

  /** Ends every publication and closes the publisher connection. Returns what was published. Idempotent. */
  async close(): Promise<Publication[]> {
    this.#closed = true;
    const removed = this.list();
    this.#bySource.clear();
    this.#live = false;
    const publisher = this.#publisher;
    this.#publisher = undefined;
    await publisher?.close();
    return removed;
  }
}
