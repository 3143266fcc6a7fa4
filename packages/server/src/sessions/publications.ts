/**
 * What one participant publishes, keyed by source (camera, microphone,
 * screen). Today every publication is a track of the participant's one
 * publisher connection: its audio is the microphone, its video the camera. A
 * screen share will be a second publisher connection whose tracks are the
 * `screen` publication — one more entry here, not a special case elsewhere.
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

/** The source of a track of a participant's camera-and-microphone publisher. */
function cameraOrMicrophone(kind: TrackKind): PublicationSource {
  return kind === 'audio' ? 'microphone' : 'camera';
}

export class Publications {
  #publisher: MediaPublisher | undefined;
  /** True once the publisher's media flows: before that, others have nothing to receive. */
  #live = false;
  #closed = false;
  readonly #bySource = new Map<PublicationSource, Publication>();

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
      const source = cameraOrMicrophone(track.kind);
      if (this.#bySource.has(source)) continue;
      const publication = { source, kind: track.kind, feedId: this.#publisher.feedId, mid: track.mid };
      this.#bySource.set(source, publication);
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
