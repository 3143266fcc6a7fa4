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
  /** `ice.restart` for the share's connection: our offer with `iceRestart`, the media server's answer. */
  restartIce(offer: Jsep): Promise<Jsep>;
}

export interface ScreenShareOptions {
  media: MediaHandler;
  signaling: ScreenShareSignaling;
  /** Our peer connections' configuration now (TURN credentials change on resume). */
  rtcConfig: () => RTCConfiguration;
  /** The session watches the share's network path, as its other connections' (ICE restart, media/ice-watch.ts). */
  watch: (connection: PublisherConnection) => void;
  videoCodec?: VideoCodec;
  /** The capture ended in the browser (its "Stop sharing", the shared window closed). */
  ended: () => void;
  /** How long a share the server ended keeps its connection, for the server to close it first (ms). */
  lingerMs: number;
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

  readonly #opts: ScreenShareOptions;
  constructor(opts: ScreenShareOptions) {
    this.#opts = opts;
  }

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
    const { media } = this.#opts;
    if (!media.getDisplayMedia) throw new ParleyError('SCREEN_SHARE_UNSUPPORTED');
    const stream = await media.getDisplayMedia(DISPLAY_MEDIA);
    const video = stream.getVideoTracks()[0];
    if (!video) {
      for (const t of stream.getTracks()) t.stop();
      throw new ParleyError('SCREEN_SHARE_FAILED', 'The browser gave no video for the screen share');
    }
    this.#stream = stream;
    video.addEventListener('ended', () => {
      if (this.#stream === stream) this.#opts.ended();
    });
    const connection = new PublisherConnection(
      media,
      {
        publish: (offer) => this.#opts.signaling.publish(offer),
        trickle: (candidate) => this.#opts.signaling.trickle(candidate),
        restartIce: (offer) => this.#opts.signaling.restartIce(offer),
      },
      this.#opts.rtcConfig(),
      this.#opts.videoCodec,
      'screen',
    );
    this.#connection = connection;
    this.#opts.watch(connection);
    try {
      await connection.start(stream.getAudioTracks()[0], video, stream);
    } catch (error) {
      this.release();
      throw asParleyError(error, 'SCREEN_SHARE_FAILED');
    }
  }

  /**
   * Ends our share: the capture stops at once; the connection closes once the
   * server answered, which it does when nobody receives the share any more
   * (closed first, the media server would renegotiate every receiver by itself).
   * Everyone hears of the end. Harmless when not sharing.
   */
  async stop(): Promise<void> {
    if (!this.#stream) return;
    const connection = this.#detach();
    try {
      await this.#opts.signaling.stop();
    } finally {
      connection?.close();
    }
  }

  /**
   * The server ended our share (a newer share replaced it): the capture stops
   * at once; the connection stays until the server closed its end (after the
   * receivers dropped the share), or `lingerMs`.
   */
  endedByServer(): void {
    const connection = this.#detach();
    if (!connection) return;
    const timer = setTimeout(() => connection.close(), this.#opts.lingerMs);
    connection.on('stateChanged', (state) => {
      if (state !== 'failed' && state !== 'closed') return;
      clearTimeout(timer);
      connection.close();
    });
  }

  /** Fresh TURN credentials (a resume) for the share's next ICE gathering, as for the call's own connections. */
  useConfiguration(config: RTCConfiguration): void {
    this.#connection?.useConfiguration(config);
  }

  /** A candidate of the media server's for the share's connection. */
  addRemoteCandidate(candidate: IceCandidate): void {
    this.#connection?.addRemoteCandidate(candidate).catch((error) => this.#opts.log.debug('screen share candidate failed', error));
  }

  /** Releases the capture and closes the connection at once, telling nobody (the session ends, or the share never started). */
  release(): void {
    this.#detach()?.close();
  }

  /** Stops the capture and lets go of the connection, which the caller closes. */
  #detach(): PublisherConnection | undefined {
    const stream = this.#stream;
    const connection = this.#connection;
    this.#stream = undefined;
    this.#connection = undefined;
    for (const t of stream?.getTracks() ?? []) t.stop();
    return connection;
  }
}
