/**
 * Camera video in three layers (simulcast): the browser encodes the full
 * picture, half and a quarter of it, and the media server forwards to each
 * viewer the one its tile needs (the server chooses; see the server's
 * sessions/layer-selection.ts). On a poor uplink the browser drops the top
 * layers by itself (its bandwidth estimate; getStats() says so with
 * `qualityLimitationReason: 'bandwidth'`), so viewers keep the smaller ones.
 */
import { DEFAULTS } from '../defaults.ts';
import type { VideoCodec } from './browser-support.ts';
import type { RtpSenderLike } from './media-handler.ts';

/**
 * The send encodings of the camera's transceiver, or undefined for one layer: simulcast is VP8
 * only (our H.264 publishers are Safari's hardware encoders), and Firefox publishes one layer —
 * it lists rid layers lowest first and needs its own rid order told to Janus, which we do not do.
 */
export function cameraEncodings(codec: VideoCodec, userAgent: string): RTCRtpEncodingParameters[] | undefined {
  if (codec !== 'vp8' || /\bFirefox\//.test(userAgent)) return undefined;
  return DEFAULTS.simulcastLayers.map((layer) => ({ ...layer, active: true }));
}

/**
 * Turns every layer of a simulcast sender on or off. With no camera track (video paused) the
 * layers would stay allocated and libwebrtc would keep their bitrate up with padding (measured in
 * Chromium 156: 1.5 Mbit/s of padding after replaceTrack(null)); a one-layer sender needs nothing.
 */
export async function setLayersActive(sender: RtpSenderLike, active: boolean): Promise<void> {
  const parameters = sender.getParameters?.();
  if (!parameters || !sender.setParameters || parameters.encodings.length < 2) return;
  if (parameters.encodings.every((e) => e.active === active)) return;
  for (const e of parameters.encodings) e.active = active;
  await sender.setParameters(parameters);
}
