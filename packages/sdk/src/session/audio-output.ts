/**
 * Where remote audio plays: the seed's audio modes mapped onto output devices
 * (`setSinkId`), applied to every element that plays remote audio, and the
 * list of modes reported again when devices come and go.
 */
import { ParleyError } from '@parley/protocol';
import type { AudioMode } from '../api/events.ts';
import { availableModes, listAudioOutputs, outputForMode } from '../media/devices.ts';
import type { MediaHandler } from '../media/media-handler.ts';
import type { Logger } from '../util/logger.ts';

export class AudioOutput {
  readonly #elements = new Set<HTMLMediaElement>();
  #sinkId: string | undefined;
  #mode: AudioMode | undefined;
  #stopWatch: (() => void) | undefined;

  constructor(
    private readonly media: MediaHandler,
    private readonly log: Logger,
  ) {}

  get mode(): AudioMode | undefined {
    return this.#mode;
  }

  /** Routes every attached element, now and later, to the output device of that mode (a valid mode: the session checks). */
  async setMode(mode: AudioMode): Promise<void> {
    const output = outputForMode(await listAudioOutputs(this.media), mode);
    if (!output) throw new ParleyError('INVALID_STATE', `No audio output for ${mode} is available`);
    this.#sinkId = output.deviceId;
    this.#mode = mode;
    await Promise.all([...this.#elements].map((el) => this.media.setSinkId(el, output.deviceId)));
  }

  /** The audio modes the current output devices offer. */
  async modes(): Promise<AudioMode[]> {
    return availableModes(await listAudioOutputs(this.media));
  }

  /** An element that plays remote audio (a view's or the app's own), kept on the chosen route until detached. */
  attach(element: HTMLMediaElement): void {
    this.#elements.add(element);
    if (this.#sinkId) this.media.setSinkId(element, this.#sinkId).catch((e) => this.log.debug('setSinkId failed', e));
  }

  detach(element: HTMLMediaElement): void {
    this.#elements.delete(element);
  }

  /** Calls back with the available modes whenever devices change. */
  watch(onModes: (modes: AudioMode[]) => void): void {
    this.#stopWatch = this.media.onDeviceChange(() => {
      this.modes()
        .then(onModes)
        .catch((error) => this.log.debug('listing audio outputs failed', error));
    });
  }

  close(): void {
    this.#stopWatch?.();
    this.#stopWatch = undefined;
    this.#elements.clear();
  }
}
