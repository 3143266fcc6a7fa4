/** The MediaHandler of real browsers. */
import { ParleyError } from '@parley/protocol';
import { screenShareSupported } from './device-hints.ts';
import type { AudioOutputSupport, MediaHandler, PeerConnectionLike } from './media-handler.ts';
import { displayMediaError } from './screen-share.ts';

type SinkElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };
type OutputPicker = MediaDevices & { selectAudioOutput?: () => Promise<MediaDeviceInfo> };

export class BrowserMediaHandler implements MediaHandler {
  async getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
    if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
      throw new ParleyError('DEVICE_ERROR', 'This browser cannot open the camera or microphone (is the page served over https?)');
    }
    try {
      return await navigator.mediaDevices.getUserMedia(constraints);
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      throw new ParleyError('DEVICE_ERROR', `The camera or microphone could not be opened: ${name}`, { cause: error });
    }
  }

  async getDisplayMedia(options: DisplayMediaStreamOptions): Promise<MediaStream> {
    if (!screenShareSupported()) throw new ParleyError('SCREEN_SHARE_UNSUPPORTED');
    try {
      return await navigator.mediaDevices.getDisplayMedia(options);
    } catch (error) {
      throw displayMediaError(error);
    }
  }

  createPeerConnection(config?: RTCConfiguration): PeerConnectionLike {
    return new RTCPeerConnection(config) as unknown as PeerConnectionLike;
  }

  createMediaStream(tracks?: MediaStreamTrack[]): MediaStream {
    return new MediaStream(tracks ?? []);
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    if (!globalThis.navigator?.mediaDevices?.enumerateDevices) return [];
    return navigator.mediaDevices.enumerateDevices();
  }

  get audioOutput(): AudioOutputSupport {
    const element = globalThis.HTMLMediaElement?.prototype as SinkElement | undefined;
    const devices = globalThis.navigator?.mediaDevices as OutputPicker | undefined;
    return { route: typeof element?.setSinkId === 'function', pick: typeof devices?.selectAudioOutput === 'function' };
  }

  async selectAudioOutput(): Promise<MediaDeviceInfo> {
    const devices = globalThis.navigator?.mediaDevices as OutputPicker | undefined;
    if (!devices?.selectAudioOutput) throw new ParleyError('INVALID_STATE', 'This browser has no audio output picker');
    return devices.selectAudioOutput();
  }

  async setSinkId(element: HTMLMediaElement, deviceId: string): Promise<void> {
    const el = element as SinkElement;
    if (typeof el.setSinkId === 'function') await el.setSinkId(deviceId);
  }

  onDeviceChange(listener: () => void): () => void {
    const devices = globalThis.navigator?.mediaDevices;
    if (!devices?.addEventListener) return () => undefined;
    devices.addEventListener('devicechange', listener);
    return () => devices.removeEventListener('devicechange', listener);
  }
}
