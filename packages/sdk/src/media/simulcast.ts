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

/**
 * The send encodings of the camera's transceiver, or undefined for one layer: simulcast is VP8
 * only (our H.264 publishers are Safari's hardware encoders), and Firefox publishes one layer —
 * it lists rid layers lowest first and needs its own rid order told to Janus, which we do not do.
 */
export function cameraEncodings(codec: VideoCodec, userAgent: string): RTCRtpEncodingParameters[] | undefined {
  if (codec !== 'vp8' || /\bFirefox\//.test(userAgent)) return undefined;
  return DEFAULTS.simulcastLayers.map((layer) => ({ ...layer, active: true }));
}
