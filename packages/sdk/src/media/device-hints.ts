/**
 * What the browser's devices tell us: the seed's AudioMode an output's label
 * suggests, and whether the screen can be captured. The default UI asks the
 * session (getAudioOutputs, canShareScreen) rather than importing these: a
 * value it imported from the core would make a chunk of its own, one more
 * file every call with the UI downloads (docs/benchmarks.md, "Bundle size").
 */
import type { AudioMode } from '../api/events.ts';

const LABEL_RULES: ReadonlyArray<[RegExp, AudioMode]> = [
  [/bluetooth|airpods|\bbt\b|hands-?free/i, 'BLUETOOTH'],
  [/headphone|headset|earbud/i, 'HEADPHONES'],
  [/earpiece|receiver/i, 'EARPIECE'],
  [/speaker/i, 'SPEAKER'],
];

/** The mode a device label suggests; the default device and anything unknown is SPEAKER. */
export function modeForLabel(label: string): AudioMode {
  for (const [pattern, mode] of LABEL_RULES) if (pattern.test(label)) return mode;
  return 'SPEAKER';
}

/** Whether this browser can capture the screen (getDisplayMedia: desktop browsers over https, not phones or WebViews). */
export function screenShareSupported(): boolean {
  return typeof globalThis.navigator?.mediaDevices?.getDisplayMedia === 'function';
}
