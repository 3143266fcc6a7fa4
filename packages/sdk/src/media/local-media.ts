/**
 * Our own camera and microphone: opening them, muting (track disabled),
 * pausing video (camera track stopped so its light goes off), and switching
 * cameras. An audio-only session never asks for the camera.
 */
import { ParleyError } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';
import type { Logger } from '../util/logger.ts';
import { nextCamera } from './devices.ts';
import type { MediaHandler } from './media-handler.ts';

export class LocalMedia {
  #stream: MediaStream | undefined;
  #cameraId: string | undefined;
  #facingMode: 'user' | 'environment' | undefined;
  #audioOnly: boolean;
  /** stop() was called: the session is over, and devices that open from now on are released at once. */
  #stopped = false;

  readonly #handler: MediaHandler;
  readonly #log: Logger;

  constructor(handler: MediaHandler, audioOnly: boolean, log: Logger) {
    this.#handler = handler;
    this.#log = log;
    this.#audioOnly = audioOnly;
  }

  /** No camera in an audio-only session, until it switches to video. */
  get audioOnly(): boolean {
    return this.#audioOnly;
  }

  /** The session switched to video: the camera may be opened from now on. */
  allowVideo(): void {
    this.#audioOnly = false;
  }

  get stream(): MediaStream | undefined {
    return this.#stream;
  }

  get audioTrack(): MediaStreamTrack | undefined {
    return this.#stream?.getAudioTracks()[0];
  }

  get videoTrack(): MediaStreamTrack | undefined {
    return this.#stream?.getVideoTracks()[0];
  }

  /** Opens the microphone, and the camera unless audio-only or starting with video off. */
  async open(options: { audioMuted: boolean; videoMuted: boolean }): Promise<MediaStream> {
    const wantVideo = !this.audioOnly && !options.videoMuted;
    const stream = await this.#handler.getUserMedia({ audio: { ...DEFAULTS.audio }, video: wantVideo ? this.#videoConstraints() : false });
    this.#stream = stream;
    if (this.#stopped) this.stop(); // opened as the session ended: the camera light goes off again
    this.#remember(stream.getVideoTracks()[0]);
    const audio = this.audioTrack;
    if (!audio) throw new ParleyError('DEVICE_ERROR', 'No microphone track was returned');
    audio.enabled = !options.audioMuted;
    return stream;
  }

  /** Muting keeps the track but makes it send silence. */
  setAudioEnabled(enabled: boolean): void {
    const audio = this.audioTrack;
    if (audio) audio.enabled = enabled;
  }

  /** Stops the camera track (its light goes off) and takes it out of the stream. */
  stopVideo(): void {
    for (const track of this.#stream?.getVideoTracks() ?? []) {
      track.stop();
      this.#stream?.removeTrack(track);
    }
  }

  /** Opens the camera again (the last one used) and adds its track to the stream. */
  async startVideo(): Promise<MediaStreamTrack> {
    this.#requireVideo();
    const got = await this.#handler.getUserMedia({ audio: false, video: this.#videoConstraints() });
    const track = got.getVideoTracks()[0];
    if (!track) throw new ParleyError('DEVICE_ERROR', 'No camera track was returned');
    this.stopVideo();
    this.#stream?.addTrack(track);
    if (this.#stopped) this.stop();
    this.#remember(track);
    return track;
  }

  /**
   * Moves to the next camera (or flips facingMode on phones). With video off,
   * only the choice changes. Returns the new track when one was opened.
   */
  async switchCamera(): Promise<MediaStreamTrack | undefined> {
    this.#requireVideo();
    const next = await nextCamera(this.#handler, this.#cameraId);
    if (next) {
      this.#cameraId = next;
    } else {
      this.#cameraId = undefined;
      this.#facingMode = this.#facingMode === 'environment' ? 'user' : 'environment';
    }
    if (!this.videoTrack) return undefined;
    // Phones often cannot open two cameras at once: release the old one first.
    this.stopVideo();
    return this.startVideo();
  }

  /** Stops every track, and any that a request still under way brings later; idempotent. */
  stop(): void {
    this.#stopped = true;
    for (const track of this.#stream?.getTracks() ?? []) track.stop();
  }

  #requireVideo(): void {
    if (this.audioOnly) throw new ParleyError('INVALID_STATE', 'This is an audio-only session');
  }

  #videoConstraints(): MediaTrackConstraints {
    const base: MediaTrackConstraints = { ...DEFAULTS.video };
    if (this.#cameraId) base.deviceId = { exact: this.#cameraId };
    else if (this.#facingMode) base.facingMode = { ideal: this.#facingMode };
    return base;
  }

  #remember(track: MediaStreamTrack | undefined): void {
    if (!track) return;
    const settings = track.getSettings?.() ?? {};
    if (settings.deviceId) this.#cameraId = settings.deviceId;
    if (settings.facingMode === 'user' || settings.facingMode === 'environment') this.#facingMode = settings.facingMode;
    this.#log.debug(`camera ${this.#cameraId ?? this.#facingMode ?? 'default'}`);
  }
}
