/**
 * When a session's publishers are asked for a key frame. A receiver's decoder
 * shows nothing until a key frame comes, and an encoder sends one only when
 * asked (or on its own slow period), so the session asks at the two moments a
 * receiver is known to wait: a subscriber connection just came up, and a
 * sender's video returned after an outage. Nothing here changes session state,
 * so it runs outside the session's queue.
 */
import type { Logger } from 'pino';
import { DEFAULTS } from '../defaults.ts';
import type { SessionParticipant } from './participant.ts';

export class KeyFrameRequests {
  constructor(
    /** Everyone in the session now. */
    private readonly members: () => Iterable<SessionParticipant>,
    private readonly log: Logger,
  ) {}

  /** The publishers of `feeds` send a key frame now (someone starts receiving them). */
  forFeeds(feeds: ReadonlySet<number>): void {
    for (const p of this.members()) {
      if (p.publishedFeeds.some((feed) => feeds.has(feed))) this.#ask(p);
    }
  }

  /**
   * A sender's video reaches the media server again after an outage (its link returned, or an ICE restart
   * found a new path): its receivers' decoders wait for a key frame, which its encoder sends only when
   * asked, and a receiver's own request may not come soon or may be spent (Chromium's encoder answers one
   * request per 300 ms, Janus 1.1.2 passes a feed from another node one a second; NAT e2e: frames 2.5 s
   * after the packets). Asked now and after DEFAULTS.simulcast.keyFrameAgainMs.
   */
  afterOutage(p: SessionParticipant): void {
    for (const ms of [0, ...DEFAULTS.simulcast.keyFrameAgainMs]) {
      setTimeout(() => {
        if (p.state !== 'left') this.#ask(p);
      }, ms).unref();
    }
  }

  #ask(p: SessionParticipant): void {
    p.requestKeyFrame().catch((error: unknown) => this.log.debug({ err: error, uid: p.uid }, 'key frame request failed'));
  }
}
