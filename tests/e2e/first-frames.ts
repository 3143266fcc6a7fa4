/**
 * How soon a received video shows its first frame, measured in the page: from when
 * its track could first show one to its first decoded frame.
 */
import { expect } from 'vitest';
import type { CallPage } from './harness.ts';

/**
 * Notes in the page when each received track can first show a frame — it arrived (its
 * connection's `track` event) on a connection that is up (ICE and DTLS done: a new
 * connection's setup is not the media's delay) — and when its first frame is decoded
 * (getStats of its connection every 25 ms from its first track on, not of the session's subscriber
 * once `startSession` has resolved: on a loaded machine that came a second or more after the frames),
 * by track id.
 */
export function watchFirstFrames(call: CallPage): Promise<void> {
  return call.page.evaluate(() => {
    const w = window as any;
    w.tracks = {};
    w.frameAt = {};
    const pollFrames = (pc: RTCPeerConnection) => {
      const timer = setInterval(async () => {
        if (pc.connectionState === 'closed') return clearInterval(timer);
        (await pc.getStats()).forEach((r: any) => {
          if (r.type === 'inbound-rtp' && r.kind === 'video' && r.framesDecoded > 0) w.frameAt[r.trackIdentifier] ??= performance.now();
        });
      }, 25);
    };
    const setRemote = RTCPeerConnection.prototype.setRemoteDescription;
    RTCPeerConnection.prototype.setRemoteDescription = function (this: RTCPeerConnection & { watched?: boolean; upAt?: number }, ...args: any[]) {
      if (!this.watched) {
        this.watched = true;
        this.addEventListener('connectionstatechange', () => {
          if (this.connectionState === 'connected') this.upAt ??= performance.now();
        });
        this.addEventListener('track', () => pollFrames(this), { once: true });
        this.addEventListener('track', (e) => {
          w.tracks[e.track.id] ??= { at: performance.now(), pc: this };
        });
      }
      return (setRemote as any).apply(this, args);
    } as any;
  });
}

/** Per received video track: ms from when it could first show a frame to its first decoded frame. */
function firstFrameTimes(call: CallPage): Promise<number[]> {
  return call.page.evaluate(() => {
    const w = window as any;
    return Object.entries(w.frameAt as Record<string, number>).map(([id, at]) => {
      const track = w.tracks[id];
      return track ? at - Math.max(track.at, track.pc.upAt ?? track.at) : Number.NaN;
    });
  });
}

/** Each call decoded `videos` received videos, each first frame within `limitMs` of when it could show one (logged by uid). */
export async function expectFirstFramesWithin(calls: CallPage[], videos: number, limitMs: number): Promise<void> {
  const times: Record<string, number[]> = {};
  for (const call of calls) times[call.uid] = await firstFrameTimes(call);
  console.log(`first frame after the track could show one (ms): ${JSON.stringify(times, (_, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
  for (const list of Object.values(times)) {
    expect(list).toHaveLength(videos);
    for (const ms of list) expect(ms).toBeLessThanOrEqual(limitMs);
  }
}

/**
 * A session spanning nodes, where `newcomer` joined last: the videos the newcomer receives show their first
 * frame within 1 s (issue 17), across nodes or not. The others' lists hold the newcomer's video too, which
 * reaches their connections (already up) in a subscription update from an encoder that has just started: its
 * first frames wait for that encoder, not for the path between nodes (CI on a slow machine: 950–1,318 ms on the
 * newcomer's node as across), so those lists get 3 s.
 */
export async function expectSpanFirstFrames(newcomer: CallPage, others: CallPage[]): Promise<void> {
  await expectFirstFramesWithin([newcomer], others.length, 1_000);
  await expectFirstFramesWithin(others, others.length, 3_000);
}
