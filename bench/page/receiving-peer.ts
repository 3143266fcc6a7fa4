/**
 * Runs in the browser page. Marks when a receiving peer connection gets
 * through ICE and DTLS and when its first audio packet, first video packet, first
 * key frame request (PLI) and first decoded video frame show up in getStats(). The Parley probe and the bare Janus client
 * both use it, so both are measured the same way.
 */
import type { Timeline } from './timeline.ts';

/** getStats() is polled this often; it bounds the resolution of the audio and video marks. */
const STATS_POLL_MS = 10;

/** Starts watching `pc`; the returned function stops the polling. */
export function watchReceivingPeer(pc: RTCPeerConnection, timeline: Timeline): () => void {
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
