/**
 * One publisher's feed carried from the room of its node to the room of the
 * same session on another node (issue 17.7), with VideoRoom's remote
 * publishers (Janus ≥ 1.1): `add_remote_publisher` on the target makes a
 * publisher with the same feed id there — its subscribers subscribe to it as
 * to a local one — and answers the ports it listens on; `publish_remotely` on
 * the source forwards the publisher's RTP there. The forwarder is given the
 * target's `rtcp_port`, so the target's subscribers' key frame requests (PLI)
 * reach the browser: without it a subscriber across nodes waits for the
 * sender's next periodic key frame, 5–10 s.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../util/logger.ts';
import { janusCodeOf } from './janus-errors.ts';
import type { JanusPublisher } from './janus-publisher.ts';
import type { JanusRoom } from './janus-room.ts';

/** VideoRoom's "no such room" and "no such feed": the far end is already gone, nothing left to remove. */
const GONE = new Set([426, 428]);

/** What `add_remote_publisher` takes of each stream Janus described to the publisher. */
const STREAM_FIELDS = ['type', 'mindex', 'mid', 'disabled', 'codec', 'stereo', 'fec', 'dtx', 'h264-profile', 'vp9-profile', 'simulcast', 'svc'];

function remoteStreamsOf(publisher: JanusPublisher): Array<Record<string, unknown>> {
  return publisher.streams
    .filter((s) => s.type === 'audio' || s.type === 'video')
    .map((s) => Object.fromEntries(STREAM_FIELDS.filter((k) => s[k] !== undefined).map((k) => [k, s[k]])));
}

export interface RemoteFeedOptions {
  publisher: JanusPublisher;
  /** The room the publisher is in. */
  source: JanusRoom;
  /** The same session's room on another node. */
  target: JanusRoom;
  /** The address the target node receives the forwarded RTP on (its media address), when known; else the one it answers. */
  targetAddress: string | undefined;
  log: Logger;
}

export class JanusRemoteFeed {
  readonly feedId: number;
  readonly #opts: RemoteFeedOptions;
  /** Names this forwarder among the publisher's others (one per target node). */
  readonly #remoteId: string;
  #closing: Promise<void> | undefined;

  private constructor(opts: RemoteFeedOptions, remoteId: string) {
    this.#opts = opts;
    this.feedId = opts.publisher.feedId;
    this.#remoteId = remoteId;
  }

  /** Announces the publisher in the target room and starts forwarding its media there. */
  static async open(opts: RemoteFeedOptions): Promise<JanusRemoteFeed> {
    const { publisher, source, target, targetAddress } = opts;
    const added = await target.roomRequest({
      request: 'add_remote_publisher',
      id: publisher.feedId,
      display: publisher.display,
      ...(targetAddress === undefined ? {} : { iface: targetAddress }),
      streams: remoteStreamsOf(publisher),
    });
    const feed = new JanusRemoteFeed(opts, randomBytes(9).toString('base64url'));
    try {
      await source.roomRequest({
        request: 'publish_remotely',
        publisher_id: publisher.feedId,
        remote_id: feed.#remoteId,
        host: typeof added.ip === 'string' && added.ip !== '0.0.0.0' ? added.ip : (targetAddress ?? new URL(target.node).hostname),
        port: added.port,
        rtcp_port: added.rtcp_port,
      });
    } catch (error) {
      await feed.#removeFromTarget();
      throw error;
    }
    return feed;
  }

  /**
   * The publisher's streams changed (a renegotiation added or removed one): the target room
   * learns the new list, and its subscribers are told as for a local publisher.
   */
  async update(): Promise<void> {
    await this.#opts.target.roomRequest({
      request: 'update_remote_publisher',
      id: this.feedId,
      streams: remoteStreamsOf(this.#opts.publisher),
    });
  }

  /** Stops forwarding and removes the publisher from the target room. Idempotent, never rejects. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#ignoringGone(() =>
        this.#opts.source.roomRequest({ request: 'unpublish_remotely', publisher_id: this.feedId, remote_id: this.#remoteId }),
      );
      await this.#removeFromTarget();
    })();
    return this.#closing;
  }

  #removeFromTarget(): Promise<void> {
    return this.#ignoringGone(() => this.#opts.target.roomRequest({ request: 'remove_remote_publisher', id: this.feedId }));
  }

  async #ignoringGone(request: () => Promise<unknown>): Promise<void> {
    try {
      await request();
    } catch (err) {
      // The publisher left its room (its forwarders went with it), or a node is gone: nothing to undo there.
      if (!GONE.has(janusCodeOf(err) ?? 0)) this.#opts.log.warn({ err, feed: this.feedId }, 'remote feed not removed');
    }
  }
}
