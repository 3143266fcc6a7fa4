/**
 * Our camera and microphone, sent to Janus: sendonly transceivers, one offer,
 * Janus's answer through the server, and track swaps without renegotiation.
 */
import type { IceCandidate, Jsep } from '@parley/protocol';
import type { VideoCodec } from './browser-support.ts';
import { preferVideoCodec } from './codec-preference.ts';
import type { MediaHandler, RtpTransceiverLike } from './media-handler.ts';
import { PeerConnection } from './peer-connection.ts';
import { cameraEncodings, setLayersActive } from './simulcast.ts';

export interface PublisherSignaling {
  publish(offer: Jsep): Promise<Jsep>;
  /** ICE restart: our offer with new ICE credentials, the media server's answer. */
  restartIce(offer: Jsep): Promise<Jsep>;
  trickle(candidate: IceCandidate): Promise<unknown>;
}

export class PublisherConnection extends PeerConnection {
  readonly #signaling: PublisherSignaling;
  /** The video codec offered first (ParleyCalls.init's videoCodec, else the browser's preference). */
  readonly #videoCodec: VideoCodec;
  #video: RtpTransceiverLike | undefined;
  #stream: MediaStream | undefined;
  #restarting: Promise<void> | undefined;

  /** `target`: `screen` for a screen share's connection (its ICE watched and restarted on its own). */
  constructor(handler: MediaHandler, signaling: PublisherSignaling, rtcConfig?: RTCConfiguration, videoCodec: VideoCodec = 'vp8', target: 'publisher' | 'screen' = 'publisher') {
    super(target, handler, (candidate) => signaling.trickle(candidate), rtcConfig);
    this.#signaling = signaling;
    this.#videoCodec = videoCodec;
  }

  /**
   * Publishes. `video` is a camera track, `'empty'` for a video line with no
   * track yet (camera off at start), or undefined for audio only.
   */
  async start(audio: MediaStreamTrack | undefined, video: MediaStreamTrack | 'empty' | undefined, stream: MediaStream): Promise<void> {
    this.markConnecting();
    this.#stream = stream;
    try {
      if (audio) this.pc.addTransceiver(audio, { direction: 'sendonly', streams: [stream] });
      if (video) this.#video = this.pc.addTransceiver(video === 'empty' ? 'video' : video, this.#videoInit(stream));
      if (this.#video) preferVideoCodec(this.#video, this.#videoCodec);
      if (!(await this.#offer())) return;
      // A video line without a camera yet (camera off at start): its layers stay off until a track comes.
      if (video === 'empty' && this.#video) await setLayersActive(this.#video.sender, false);
      this.candidates.openLocal();
      await this.candidates.flushRemote();
    } catch (error) {
      this.markFailed();
      throw error;
    }
  }

  /**
   * Swaps the sent video track (null: send nothing). Without a video line yet
   * (an audio call switched to video) a track adds one, and we offer again.
   */
  async replaceVideo(track: MediaStreamTrack | null): Promise<void> {
    if (this.isClosed) return;
    if (!this.#video) {
      if (track) await this.#addVideo(track);
      return;
    }
    // No track, no layers: simulcast layers left on would be padded (simulcast.ts).
    if (track) await setLayersActive(this.#video.sender, true);
    await this.#video.sender.replaceTrack(track);
    if (!track) await setLayersActive(this.#video.sender, false);
  }

  async #addVideo(track: MediaStreamTrack): Promise<void> {
    this.#video = this.pc.addTransceiver(track, this.#videoInit(this.#stream));
    preferVideoCodec(this.#video, this.#videoCodec);
    await this.#offer();
  }

  /**
   * ICE restart (the network path was lost): an offer with new ICE credentials, answered
   * through the server. One at a time: while a restart waits for its answer (its request may
   * sit in a socket during an outage), asking again waits for that one rather than making a
   * newer offer its late answer would not fit.
   */
  restartIce(): Promise<void> {
    this.#restarting ??= this.#restartIce().finally(() => {
      this.#restarting = undefined;
    });
    return this.#restarting;
  }

  async #restartIce(): Promise<void> {
    if (this.isClosed) return;
    const offer = await this.pc.createOffer({ iceRestart: true });
    if (this.isClosed) return;
    this.candidates.holdRemote();
    try {
      await this.pc.setLocalDescription(offer);
      const answer = await this.#signaling.restartIce({ type: 'offer', sdp: offer.sdp ?? '' });
      if (this.isClosed) return;
      await this.pc.setRemoteDescription(answer);
    } finally {
      await this.candidates.flushRemote();
    }
  }

  /** The camera's transceiver: send only, in simulcast layers where the codec and browser allow (simulcast.ts). */
  #videoInit(stream: MediaStream | undefined): RTCRtpTransceiverInit {
    const sendEncodings = cameraEncodings(this.#videoCodec, globalThis.navigator?.userAgent ?? '');
    return { direction: 'sendonly', streams: stream ? [stream] : [], ...(sendEncodings ? { sendEncodings } : {}) };
  }

  /** One offer/answer round with Janus through the server; false when closed meanwhile. */
  async #offer(): Promise<boolean> {
    const offer = await this.pc.createOffer();
    if (this.isClosed) return false;
    await this.pc.setLocalDescription(offer);
    const answer = await this.#signaling.publish({ type: 'offer', sdp: offer.sdp ?? '' });
    if (this.isClosed) return false;
    await this.pc.setRemoteDescription(answer);
    return true;
  }
}
