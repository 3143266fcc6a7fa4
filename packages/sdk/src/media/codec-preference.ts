/**
 * Makes a publisher's video offer carry one codec (setCodecPreferences):
 * VideoRoom takes the first codec of the room's list (`vp8,h264`) that an
 * offer has, whatever order the browser gave, so preferring H.264 means
 * offering it alone — with the retransmission and redundancy formats that
 * go beside any codec.
 */
import type { VideoCodec } from './browser-support.ts';
import type { RtpTransceiverLike } from './media-handler.ts';

const MIME: Record<VideoCodec, string> = { vp8: 'video/vp8', h264: 'video/h264' };
const BESIDE_ANY_CODEC = new Set(['video/rtx', 'video/red', 'video/ulpfec', 'video/flexfec-03']);

/** `codecs` narrowed to `codec` (and rtx/red/fec); unchanged when the browser has no `codec`. */
export function onlyCodec<C extends { mimeType: string }>(codecs: readonly C[], codec: VideoCodec): C[] {
  const mime = (c: C) => c.mimeType.toLowerCase();
  if (!codecs.some((c) => mime(c) === MIME[codec])) return [...codecs];
  return codecs.filter((c) => mime(c) === MIME[codec] || BESIDE_ANY_CODEC.has(mime(c)));
}

/** Publishes `codec` on the transceiver's video where the browser lets us choose; a no-op elsewhere. */
export function preferVideoCodec(transceiver: RtpTransceiverLike, codec: VideoCodec): void {
  const capabilities = globalThis.RTCRtpReceiver?.getCapabilities?.('video')?.codecs;
  if (!capabilities || !transceiver.setCodecPreferences) return;
  transceiver.setCodecPreferences(onlyCodec(capabilities, codec));
}
