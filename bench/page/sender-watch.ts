/**
 * Runs in the host's page of the join bench. Watches every video sender of the
 * page's peer connections and notes, on the wall clock (so other pages' marks
 * compare with it), each key frame request (PLI) the host's encoder receives
 * and each key frame it encodes. A joiner's first video frame waits for one
 * of those key frames, so this splits "DTLS connected → first frame" into the
 * request's trip, the encoder's answer and the key frame's trip.
 */

/** A change in the host's outbound video stats, at wall-clock ms. */
interface SenderEvent {
  at: number;
  kind: 'pli' | 'keyFrame';
}

const POLL_MS = 5;
const events: SenderEvent[] = [];
const connections = new Set<RTCPeerConnection>();

const now = () => performance.timeOrigin + performance.now();

async function poll(): Promise<void> {
  const seen = new Map<string, { pli: number; keyFrames: number }>();
  for (;;) {
    for (const pc of connections) {
      if (pc.signalingState === 'closed') {
        connections.delete(pc);
        continue;
      }
      const report = await pc.getStats().catch(() => undefined);
      report?.forEach((r) => {
        if (r.type !== 'outbound-rtp' || r.kind !== 'video') return;
        const before = seen.get(r.id);
        const current = { pli: r.pliCount ?? 0, keyFrames: r.keyFramesEncoded ?? 0 };
        seen.set(r.id, current);
        if (!before) return;
        if (current.pli > before.pli) events.push({ at: now(), kind: 'pli' });
        if (current.keyFrames > before.keyFrames) events.push({ at: now(), kind: 'keyFrame' });
      });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Makes every peer connection the page creates from now on watched. */
export function install(): void {
  const Native = window.RTCPeerConnection;
  class WatchedPeerConnection extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      connections.add(this);
    }
  }
  window.RTCPeerConnection = WatchedPeerConnection;
  void poll();
}

/** The first PLI the host received at or after `since` (wall-clock ms), and the first key frame it encoded after that PLI. */
export function firstAfter(since: number): { pli?: number; keyFrame?: number } {
  const pli = events.find((e) => e.kind === 'pli' && e.at >= since)?.at;
  const keyFrame = pli === undefined ? undefined : events.find((e) => e.kind === 'keyFrame' && e.at >= pli)?.at;
  return { pli, keyFrame };
}
