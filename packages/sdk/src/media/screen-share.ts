/**
 * Our screen share: the browser's capture (getDisplayMedia: the screen's
 * video, and the tab's audio when the browser gives it) sent on a publisher
 * connection of its own, a second feed in the media room whose tracks the
 * server makes our `screen` publication. The browser's own "Stop sharing"
 * ends the capture's video track; that is reported as `ended`.
 */
import { type IceCandidate, type Jsep, ParleyError } from '@parley/protocol';
import { asParleyError } from '../util/errors.ts';
import type { Logger } from '../util/logger.ts';
import type { VideoCodec } from './browser-support.ts';
import type { MediaHandler, PeerConnectionLike } from './media-handler.ts';
import { PublisherConnection } from './publisher-connection.ts';

export interface ScreenShareSignaling {
  /** `screen.publish`: our offer, the media server's answer. */
  publish(offer: Jsep): Promise<Jsep>;
  /** `screen.stop`. */
  stop(): Promise<unknown>;
  trickle(candidate: IceCandidate): Promise<unknown>;
}

export interface ScreenShareOptions {
  media: MediaHandler;
  signaling: ScreenShareSignaling;
  /** Our peer connections' configuration now (TURN credentials change on resume). */
  rtcConfig: () => RTCConfiguration;
  videoCodec?: VideoCodec;
  /** The capture ended in the browser (its "Stop sharing", the shared window closed). */
  ended: () => void;
  log: Logger;
}

/** A getDisplayMedia rejection, typed: the user said no (or closed the picker), or the capture failed. */
export function displayMediaError(error: unknown): ParleyError {
  const name = (error as { name?: string } | null)?.name ?? 'Error';
  if (name === 'NotAllowedError') return new ParleyError('SCREEN_SHARE_CANCELLED', undefined, { cause: error });
  const detail = error instanceof Error && error.message ? `: ${error.message}` : '';
  return new ParleyError('SCREEN_SHARE_FAILED', `The screen could not be captured (${name}${detail})`, { cause: error });
}

/** What we ask the browser for: the screen, with the tab's audio where it has any. */
const DISPLAY_MEDIA: DisplayMediaStreamOptions = { video: true, audio: true };

export class ScreenShare {
  #stream: MediaStream | undefined;
  #connection: PublisherConnection | undefined;
  /** A start under way: a second call waits for it rather than opening a second picker. */
  #starting: Promise<void> | undefined;

  constructor(private readonly opts: ScreenShareOptions) {}

  /** Whether we capture and send our screen now. */
  get active(): boolean {
    return this.#stream !== undefined;
  }

  /** The captured stream (for a preview), while sharing. */
  get stream(): MediaStream | undefined {
    return this.#stream;
  }

  /** The share's peer connection, for tests and diagnostics (getStats). */
  get pc(): PeerConnectionLike | undefined {
    return this.#connection?.pc;
  }

  /**
   * Asks the browser for a screen and publishes it. Harmless while sharing or starting.
   * Rejects with SCREEN_SHARE_UNSUPPORTED, SCREEN_SHARE_CANCELLED or
   * SCREEN_SHARE_FAILED, leaving nothing captured.
   */
  start(): Promise<void> {
    this.#starting ??= this.#start().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #start(): Promise<void> {
    if (this.#stream) return;
    const { media } = this.opts;
    if (!media.getDisplayMedia) throw new ParleyError('SCREEN_SHARE_UNSUPPORTED');
    const stream = await media.getDisplayMedia(DISPLAY_MEDIA);
    const video = stream.getVideoTracks()[0];
    if (!video) {
      for (const t of stream.getTracks()) t.stop();
      throw new ParleyError('SCREEN_SHARE_FAILED', 'The browser gave no video for the screen share');
    }
    this.#stream = stream;
    video.addEventListener('ended', () => {
      if (this.#stream === stream) this.opts.ended();
    });
    const connection = new PublisherConnection(
      media,
      {
        publish: (offer) => this.opts.signaling.publish(offer),
        trickle: (candidate) => this.opts.signaling.trickle(candidate),
        restartIce: () => Promise.reject(new ParleyError('INVALID_STATE', 'A screen share is not restarted: share again')),
      },
      this.opts.rtcConfig(),
      this.opts.videoCodec,
    );
    this.#connection = connection;
    try {
      await connection.start(stream.getAudioTracks()[0], video, stream);
    } catch (error) {
      this.release();
      throw asParleyError(error, 'SCREEN_SHARE_FAILED');
    }
  }

  /** Ends our share: the server is told (everyone hears of it), then the capture is released. Harmless when not sharing. */
  async stop(): Promise<void> {
    if (!this.#stream) return;
    this.release();
    await this.opts.signaling.stop();
  }

  /** A candidate of the media server's for the share's connection. */
  addRemoteCandidate(candidate: IceCandidate): void {
    this.#connection?.addRemoteCandidate(candidate).catch((error) => this.opts.log.debug('screen share candidate failed', error));
  }

  /** Releases the capture and closes the connection, telling nobody (the server ended the share, or the session ends). */
  release(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    this.#connection?.close();
    this.#connection = undefined;
    for (const t of stream?.getTracks() ?? []) t.stop();
  }
}
