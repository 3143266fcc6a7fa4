/**
 * Runs in the browser page. Marks when a receiving peer connection gets
 * through ICE and DTLS and when its first audio packet, first video packet, first
 * key frame request (PLI) and first decoded video frame show up in getStats(). The Parley probe and the bare Janus client
 * both use it, so both are measured the same way.
 */
import type { Timeline } from './timeline.ts';

/** getStats() is polled this often; it bounds the resolution of the audio and video marks. */
const STATS_POLL_MS = 10;

/**
 * Marks when the first of `pc`'s remote video frames reaches a <video> of the page, with the
 * timestamps the browser gives that frame (requestVideoFrameCallback), so that a busy main thread
 * delays the mark's call but not its time. Any element counts: the SDK's view or the bare page's.
 */
function watchFirstFrameShown(pc: RTCPeerConnection, timeline: Timeline): void {
  const descriptor = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  if (!descriptor?.set || !descriptor.get) return;
  const remote = (track: MediaStreamTrack) => pc.getReceivers().some((r) => r.track === track);
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...descriptor,
    set(this: HTMLMediaElement, value: MediaProvider | null) {
      descriptor.set?.call(this, value);
      if (!(this instanceof HTMLVideoElement) || !(value instanceof MediaStream)) return;
      const video = this;
      const onFrame = (_now: number, frame: VideoFrameCallbackMetadata) => {
        if (timeline.has('videoShown')) return;
        const tracks = value.getVideoTracks();
        if (tracks.some(remote)) {
          if (frame.receiveTime !== undefined) timeline.markAt('videoReceived', frame.receiveTime);
          // processingDuration is in seconds: from the frame's encoded data reaching the decoder to the frame being decoded.
          if (frame.receiveTime !== undefined && frame.processingDuration !== undefined) {
            timeline.markAt('videoDecoded', frame.receiveTime + frame.processingDuration * 1000);
          }
          timeline.markAt('videoShown', frame.presentationTime);
        } else if (tracks.length === 0) video.requestVideoFrameCallback(onFrame); // its tracks come later
        // else: our own camera's preview, not watched
      };
      video.requestVideoFrameCallback(onFrame);
    },
  });
}

/** Starts watching `pc`; the returned function stops the polling. */
export function watchReceivingPeer(pc: RTCPeerConnection, timeline: Timeline): () => void {
  watchFirstFrameShown(pc, timeline);
  pc.addEventListener('icecandidate', (event) => {
    if (event.candidate) timeline.mark('candidateGathered');
  });
  pc.addEventListener('iceconnectionstatechange', () => {
    if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') timeline.mark('ice');
  });
  // 'connected' needs every ICE and DTLS transport connected: with one bundled transport, DTLS is done.
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected') timeline.mark('dtls');
  });
  let stopped = false;
  const poll = async () => {
    while (!stopped && pc.signalingState !== 'closed' && !(timeline.has('audio') && timeline.has('video'))) {
      const report = await pc.getStats();
      report.forEach((r) => {
        if (r.type !== 'inbound-rtp') return;
        if (r.kind === 'audio' && r.packetsReceived > 0) timeline.mark('audio');
        if (r.kind !== 'video') return;
        if (r.packetsReceived > 0) timeline.mark('videoPacket');
        if (r.pliCount > 0) timeline.mark('videoPli');
        if (r.framesDecoded > 0) timeline.mark('video');
      });
      await new Promise((resolve) => setTimeout(resolve, STATS_POLL_MS));
    }
  };
  poll().catch(() => undefined); // getStats() rejects once the connection is closed: the watch is over
  return () => {
    stopped = true;
  };
}
