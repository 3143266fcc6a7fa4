/**
 * What the SDK needs of a browser before it opens anything, and which video
 * codec it prefers there.
 */
import { ParleyError } from '@parley/protocol';

/** The video codecs rooms accept (the server's VideoRoom list: `vp8,h264`). */
export type VideoCodec = 'vp8' | 'h264';
export const VIDEO_CODECS: readonly VideoCodec[] = ['vp8', 'h264'];

/** Throws UNSUPPORTED_BROWSER where there is no WebRTC (this WebKitGTK build, some WebViews). */
export function requireWebRtc(): void {
  if (typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection !== 'function') {
    throw new ParleyError('UNSUPPORTED_BROWSER', 'This browser cannot make WebRTC calls (no RTCPeerConnection)');
  }
}

let webRtcWarm = false;

/**
 * Chromium sets its WebRTC engine up (threads, the list of networks) with a page's
 * first peer connection; one made and dropped ahead takes that off the join's path.
 * Once per page: later tokens find the engine set up.
 */
export function warmUpWebRtc(): void {
  if (webRtcWarm) return;
  try {
    new RTCPeerConnection().close();
    webRtcWarm = true;
  } catch {
    // No WebRTC here: startSession says so.
  }
}

/**
 * H.264 on Safari and every iOS browser (Apple's hardware encoder; VP8 is
 * software there), VP8 elsewhere (every browser has it; Firefox may lack
 * H.264 until its OpenH264 plugin is downloaded).
 */
export function preferredVideoCodec(userAgent: string): VideoCodec {
  const ios = /\b(iPhone|iPad|iPod)\b/.test(userAgent);
  const safari = /\bVersion\/[\d.]+.*\bSafari\//.test(userAgent) && !/\b(Chrome|Chromium|CriOS|Edg|Firefox|FxiOS)\//.test(userAgent);
  return ios || safari ? 'h264' : 'vp8';
}
