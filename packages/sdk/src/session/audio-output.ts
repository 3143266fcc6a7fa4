/**
 * Where remote audio plays: the seed's audio modes mapped onto output devices
 * (`setSinkId`), applied to every element that plays remote audio, and the
 * list of modes reported again when devices come and go. A browser that
 * cannot route (no setSinkId) has the one default mode, SPEAKER, and setting
 * it does nothing; one with a picker of its own (Firefox's
 * selectAudioOutput) lets the user choose a device there.
 */
import { ParleyError } from '@parley/protocol';
import type { AudioMode } from '../api/events.ts';
import { modeForLabel } from '../media/device-hints.ts';
import { type AudioOutputDevice, availableModes, DEFAULT_OUTPUT, listAudioOutputs, outputForMode } from '../media/devices.ts';
import type { AudioOutputSupport, MediaHandler } from '../media/media-handler.ts';
import type { Logger } from '../util/logger.ts';

/**
 * How the user chooses where audio plays: `menu` (our list of modes, devices
 * from enumerateDevices), `picker` (the browser's own, selectAudioOutput), or
 * `none` (the browser plays through the default output, nothing to choose).
 */
export type AudioOutputChoice = 'menu' | 'picker' | 'none';

export class AudioOutput {
  readonly #elements = new Set<HTMLMediaElement>();
  #sinkId: string | undefined;
  #mode: AudioMode | undefined;
  #stopWatch: (() => void) | undefined;
  readonly #media: MediaHandler;
  readonly #log: Logger;

  constructor(media: MediaHandler, log: Logger) {
    this.#media = media;
    this.#log = log;
  }

  get mode(): AudioMode | undefined {
    return this.#mode;
  }

  get choice(): AudioOutputChoice {
    const support = this.#support();
    if (!support.route) return 'none';
    return support.pick ? 'picker' : 'menu';
  }

  /** Routes every attached element, now and later, to the output device of that mode (a valid mode: the session checks). */
  async setMode(mode: AudioMode): Promise<void> {
    const output = outputForMode(await this.outputs(), mode);
    if (!output) throw new ParleyError('INVALID_STATE', `No audio output for ${mode} is available`);
    this.#mode = mode;
    if (this.#support().route) await this.#route(output.deviceId);
  }

  /** The audio modes the current output devices offer (only SPEAKER, the default output, where nothing can be routed). */
  async modes(): Promise<AudioMode[]> {
    return availableModes(await this.outputs());
  }

  /**
   * The browser's own output picker (choice `picker`; it needs a click).
   * Resolves with the mode of the device chosen, or undefined when the user
   * chose nothing or the browser has no device to offer: the route stays.
   */
  async pick(): Promise<AudioMode | undefined> {
    if (this.choice !== 'picker' || !this.#media.selectAudioOutput) return undefined;
    let device: MediaDeviceInfo;
    try {
      device = await this.#media.selectAudioOutput();
    } catch (error) {
      this.#log.debug('no audio output picked', error);
      return undefined;
    }
    this.#mode = modeForLabel(device.label);
    await this.#route(device.deviceId);
    return this.#mode;
  }

  /** An element that plays remote audio (a view's or the app's own), kept on the chosen route until detached. */
  attach(element: HTMLMediaElement): void {
    this.#elements.add(element);
    if (this.#sinkId !== undefined) this.#media.setSinkId(element, this.#sinkId).catch((e) => this.#log.debug('setSinkId failed', e));
  }

  detach(element: HTMLMediaElement): void {
    this.#elements.delete(element);
  }

  /** Calls back with the available modes whenever devices change. */
  watch(onModes: (modes: AudioMode[]) => void): void {
    this.#stopWatch = this.#media.onDeviceChange(() => {
      this.modes()
        .then(onModes)
        .catch((error) => this.#log.debug('listing audio outputs failed', error));
    });
  }

  #support(): AudioOutputSupport {
    return this.#media.audioOutput ?? { route: true, pick: false };
  }

  /** The output devices, each with its mode; the default one alone where nothing can be routed. */
  async outputs(): Promise<AudioOutputDevice[]> {
    return this.#support().route ? listAudioOutputs(this.#media) : [DEFAULT_OUTPUT];
  }

  async #route(deviceId: string): Promise<void> {
    this.#sinkId = deviceId;
    await Promise.all([...this.#elements].map((el) => this.#media.setSinkId(el, deviceId)));
  }

  close(): void {
    this.#stopWatch?.();
    this.#stopWatch = undefined;
    this.#elements.clear();
  }
}
