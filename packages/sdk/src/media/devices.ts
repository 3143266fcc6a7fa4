/**
 * Audio output devices, each reported with the seed's AudioMode guessed from
 * its label (device-hints.ts), and camera selection for switchCamera.
 */
import { AUDIO_MODES, type AudioMode } from '../api/events.ts';
import { modeForLabel } from './device-hints.ts';
import type { MediaHandler } from './media-handler.ts';

/** An audio output device, with the seed's mode its label suggests. */
export interface AudioOutputDevice {
  deviceId: string;
  label: string;
  mode: AudioMode;
}

/**
 * The system's default output. Its id is `''` (the spec's name for it): Firefox
 * lists no outputs until one was picked and refuses `setSinkId('default')`,
 * and every browser with setSinkId accepts `''`.
 */
export const DEFAULT_OUTPUT: AudioOutputDevice = { deviceId: '', label: 'Default', mode: 'SPEAKER' };

export async function listAudioOutputs(handler: MediaHandler): Promise<AudioOutputDevice[]> {
  const devices = await handler.enumerateDevices().catch((): MediaDeviceInfo[] => []);
  // Chromium on Windows lists the communications device a second time, under the id 'communications'.
  const outputs = devices.filter((d) => d.kind === 'audiooutput' && d.deviceId !== 'communications');
  const list = outputs.map((d) => ({ deviceId: d.deviceId, label: d.label, mode: modeForLabel(d.label) }));
  // Browsers that list no outputs (Firefox before a pick, Safari), or fail to list, still play through the default one.
  if (list.length === 0) list.push(DEFAULT_OUTPUT);
  return list;
}

/** The modes available now, in the seed's order, each once. */
export function availableModes(outputs: AudioOutputDevice[]): AudioMode[] {
  const present = new Set(outputs.map((o) => o.mode));
  return AUDIO_MODES.filter((m) => present.has(m));
}

/** The device to route `mode` to: the default one of that mode if there is, else the first. */
export function outputForMode(outputs: AudioOutputDevice[], mode: AudioMode): AudioOutputDevice | undefined {
  const matching = outputs.filter((o) => o.mode === mode);
  return matching.find((o) => o.deviceId === 'default' || o.deviceId === DEFAULT_OUTPUT.deviceId) ?? matching[0];
}

/** The camera after `currentDeviceId`, round robin; undefined when there is no other. */
export async function nextCamera(handler: MediaHandler, currentDeviceId: string | undefined): Promise<string | undefined> {
  const cameras = (await handler.enumerateDevices()).filter((d) => d.kind === 'videoinput' && d.deviceId);
  if (cameras.length < 2) return undefined;
  const index = cameras.findIndex((c) => c.deviceId === currentDeviceId);
  return cameras[(index + 1) % cameras.length]?.deviceId;
}
