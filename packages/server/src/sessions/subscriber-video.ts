/**
 * What one participant receives of each video feed: nothing, or which
 * simulcast layer. It keeps the client's reported views and its link's state
 * (LinkAdaptation, fed by the media server's slow-link reports and its stats
 * of the connection — but not with losses a sender's own trouble explains),
 * asks chooseLayer per video m-line, and tells the media server only what
 * changed. When the link cannot carry even the smallest layer the client is
 * told its video is paused, and told again when the probe brings it back.
 */
import type { ServerEventName, ServerEvents, SubscriberStream, VideoView } from '@parley/protocol';
import type { Logger } from 'pino';
import { DEFAULTS } from '../defaults.ts';
import { worstReading } from '../media/link-reading.ts';
import type { ConnectionStats, MediaSubscriber, ReceivedTrack, SlowLink, VideoStreamSetting } from '../media/media-backend.ts';
import { LinkAdaptation, type LinkState, type LinkTiming } from './link-adaptation.ts';
import { chooseLayer, type RenderedSize, sameChoice, TOP_LAYER, type VideoChoice } from './layer-selection.ts';

export interface SubscriberVideoOwner {
  readonly uid: string;
  readonly log: Logger;
  send<E extends ServerEventName>(event: E, data: ServerEvents[E]): void;
  /** The participant starts receiving these feeds (again, or at another layer): their publishers should send a key frame now. */
  keyFramesWanted(feeds: ReadonlySet<number>): void;
  /** The feed's publisher is in trouble on its own uplink (sender-health.ts): losses of its media are not the participant's. */
  senderInTrouble(feedId: number): boolean;
}

/** What a video m-line was last set to, and whose publication it carried then. */
interface Applied {
  owner: string;
  choice: VideoChoice;
}

/** Who publishes a received track and as what, for the client's stream map; undefined: nobody now. */
export type DescribeTrack = (track: ReceivedTrack) => Pick<SubscriberStream, 'uid' | 'source'> | undefined;

const viewKey = (uid: string, source: string): string => `${source}:${uid}`;

/**
 * What Janus does with a video line nobody configured: sends it, at the top layer. Telling it
 * so again is not free — each substream change asks the publisher for a key frame, and the
 * publisher's encoder (Chromium) answers one request per 300 ms, so a configure sent while the
 * subscriber's connection is still being set up spends the request its `connected` key frame needs.
 */
const JANUS_DEFAULT: VideoChoice = { send: true, layer: TOP_LAYER };

export class SubscriberVideo {
  readonly #views = new Map<string, RenderedSize>();
  readonly #applied = new Map<string, Applied>();
  readonly #link: LinkAdaptation;
  #subscriber: MediaSubscriber | undefined;
  #tracks: readonly ReceivedTrack[] = [];
  #describe: DescribeTrack = () => undefined;
  #running: Promise<void> | undefined;
  #keyFramesAgain: NodeJS.Timeout[] = [];
  /** The feeds the next of those requests is for. */
  readonly #askAgain = new Set<number>();
  #again = false;

  constructor(
    private readonly owner: SubscriberVideoOwner,
    timing?: LinkTiming,
  ) {
    this.#link = new LinkAdaptation(timing);
    this.#link.on('changed', (state, from) => {
      owner.log.info({ uid: owner.uid, from, to: state }, 'subscriber link');
      if (state === 'paused' || from === 'paused') this.#tellPaused();
      this.update();
    });
  }

  /** The link's state now (for logs and tests). */
  get linkState(): LinkState {
    return this.#link.state;
  }

  /** The subscriber connection whose video this sets (a new one after the media room was made again). */
  attach(subscriber: MediaSubscriber | undefined): void {
    this.#subscriber = subscriber;
    this.#applied.clear();
    this.#tracks = [];
  }

  /** The client shows these videos at these sizes now (0 × 0: not at all). */
  setViews(views: readonly VideoView[]): void {
    for (const v of views) this.#views.set(viewKey(v.uid, v.source), { width: v.width, height: v.height });
    this.update();
  }

  /** The subscription's m-lines changed: new ones get their layer, reused ones are set again. */
  tracksChanged(tracks: readonly ReceivedTrack[], describe: DescribeTrack): void {
    this.#tracks = tracks;
    this.#describe = describe;
    this.update();
  }

  /**
   * The media server saw packets lost on this connection. A subscriber connection carries media one
   * way only, towards the participant, so every report counts whatever its `uplink` flag (Janus
   * 1.1.2 marks the losses a squeezed subscriber reports with `uplink: true`; measured).
   */
  slowLink(info: SlowLink): void {
    if (info.mid !== undefined && this.#sendersFault(info.mid)) {
      this.owner.log.debug({ uid: this.owner.uid, mid: info.mid, lost: info.lost }, "subscriber slow link blamed on its sender's uplink");
      return;
    }
    this.#link.trouble('slowLink');
  }

  /**
   * The media server's stats of the connection as they speak of the participant's own link: the
   * m-lines of feeds whose sender is in trouble are left out (a sender's gaps and jitter reach every
   * receiver's reports), and what they sent is the worst of the rest; nothing sent when none is left.
   */
  ownStats(stats: ConnectionStats): ConnectionStats {
    const { sent, sentByMid, ...rest } = stats;
    if (!sent || !sentByMid) return stats;
    const own = Object.entries(sentByMid).filter(([mid]) => !this.#sendersFault(mid));
    const worst = worstReading(own.map(([, reading]) => reading));
    return worst ? { ...rest, sent: worst, sentByMid: Object.fromEntries(own) } : rest;
  }

  /**
   * The media server's stats of the connection (as ownStats leaves them): losing at least
   * DEFAULTS.simulcast.congestedLossPercent of what it sent means the link carries less than it
   * is given — a layer down, like a slow link.
   */
  stats(own: ConnectionStats): void {
    const sent = own.sent;
    if (!sent || sent.lossPercent < DEFAULTS.simulcast.congestedLossPercent) return;
    this.owner.log.debug({ uid: this.owner.uid, ...sent }, 'subscriber link congested (media server stats)');
    this.#link.trouble('congested');
  }

  /** Whether what goes wrong on the m-line `mid` is its sender's: the feed it carries is in trouble on its uplink. */
  #sendersFault(mid: string): boolean {
    const track = this.#tracks.find((t) => t.mid === mid);
    return track !== undefined && track.feedId !== 0 && this.owner.senderInTrouble(track.feedId);
  }

  /** The client is back on a new socket: a pause it was told of before is still on. */
  resend(): void {
    if (this.#link.state === 'paused') this.#tellPaused();
  }

  close(): void {
    this.#link.close();
    for (const t of this.#keyFramesAgain) clearTimeout(t);
    this.#subscriber = undefined;
  }

  /** Brings the media server up to date; one round at a time, and one more if something changed meanwhile. */
  update(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#apply().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.update();
      }
    });
  }

  async #apply(): Promise<void> {
    const subscriber = this.#subscriber;
    if (!subscriber) return;
    const video: Array<{ track: ReceivedTrack; owner: { uid: string; source: string } }> = [];
    for (const track of this.#tracks) {
      const owner = track.kind === 'video' && track.active ? this.#describe(track) : undefined;
      if (owner) video.push({ track, owner });
    }
    const live = new Set(video.map((v) => v.track.mid));
    for (const mid of [...this.#applied.keys()]) if (!live.has(mid)) this.#applied.delete(mid);
    const oneToOne = new Set(video.map((v) => v.owner.uid)).size <= 1;
    const settings: VideoStreamSetting[] = [];
    const needKeyFrame = new Set<number>();
    for (const { track, owner } of video) {
      const key = viewKey(owner.uid, owner.source);
      const choice = chooseLayer({ view: this.#views.get(key), oneToOne, linkCap: this.#link.cap });
      // A video line never set on this connection sends the top layer already (Janus's default).
      const before = this.#applied.get(track.mid) ?? { owner: key, choice: JANUS_DEFAULT };
      if (before.owner === key && sameChoice(before.choice, choice)) {
        this.#applied.set(track.mid, before);
        continue;
      }
      settings.push({ mid: track.mid, send: choice.send, ...(choice.send ? { layer: choice.layer } : {}) });
      // A feed that resumes, or switches layer, waits for a key frame of the layer it gets now.
      if (choice.send && (!before.choice.send || before.choice.layer !== choice.layer)) needKeyFrame.add(track.feedId);
      this.#applied.set(track.mid, { owner: key, choice });
    }
    if (settings.length === 0) return;
    try {
      await subscriber.setVideo(settings);
      this.owner.log.debug({ uid: this.owner.uid, settings }, 'subscriber video set');
    } catch (error) {
      // Set again on the next change rather than believed done.
      for (const s of settings) this.#applied.delete(s.mid);
      this.owner.log.warn({ err: error, uid: this.owner.uid }, 'setting subscriber video failed');
      return;
    }
    if (needKeyFrame.size > 0) this.askForKeyFrames(needKeyFrame);
  }

  /**
   * A feed that starts sending to the participant — their connection came up or back, the feed
   * resumed or switched to another layer — needs a key frame (of that layer): its publisher is
   * asked now and again after each of DEFAULTS.simulcast.keyFrameAgainMs. Measured in e2e, the first
   * request often brings nothing: Chromium's encoder answers one request per 300 ms and another
   * subscriber's may have spent it, and the client's own request for a feed from another Janus node
   * waits up to a second there (Janus 1.1.2 passes such a feed one a second). Without the next
   * request the video waits for that, or for the encoder's next key frame of its own, which can be
   * many seconds away.
   */
  askForKeyFrames(feeds: ReadonlySet<number>): void {
    this.owner.keyFramesWanted(feeds);
    // Asked again together with any feeds still waiting for their own requests again, the timers starting over.
    for (const feed of feeds) this.#askAgain.add(feed);
    for (const t of this.#keyFramesAgain) clearTimeout(t);
    const again = DEFAULTS.simulcast.keyFrameAgainMs;
    this.#keyFramesAgain = again.map((ms, i) => {
      const timer = setTimeout(() => {
        this.owner.keyFramesWanted(new Set(this.#askAgain));
        if (i === again.length - 1) this.#askAgain.clear();
      }, ms);
      timer.unref();
      return timer;
    });
  }

  #tellPaused(): void {
    this.owner.send('subscriber.videoPaused', { paused: this.#link.state === 'paused', reason: 'poor-connection' });
  }
}
