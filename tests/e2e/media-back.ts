/**
 * When a page's media is back after its connections were replaced (a Janus
 * crash, a server restart): timed in the page, so a test or a bench learns
 * the moment, not when it next looked.
 */
import { type CallPage, eventually } from './harness.ts';

/**
 * From now on each page notes when its media is back: a subscriber connection
 * other than the one it has now decoding video (frames rising) and receiving audio.
 */
export async function watchMediaBack(calls: readonly CallPage[]): Promise<void> {
  for (const c of calls) {
    await c.page.evaluate(() => {
      const w = window as any;
      const old = w.session.getPeerConnections().subscriber;
      w.__back = undefined;
      let firstFrames: number | undefined;
      const poll = setInterval(async () => {
        const sub = w.session?.getPeerConnections().subscriber;
        if (!sub || sub === old) return;
        let frames = 0;
        let audio = 0;
        (await sub.getStats()).forEach((r: any) => {
          if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
          if (r.type === 'inbound-rtp' && r.kind === 'audio') audio += r.packetsReceived ?? 0;
        });
        if (frames > 0 && firstFrames === undefined) firstFrames = frames;
        if (firstFrames !== undefined && frames > firstFrames + 5 && audio > 0) {
          w.__back = Date.now();
          clearInterval(poll);
        }
      }, 50);
    });
  }
}

/** When the page's media was back (epoch ms, the page's clock: the same machine's). */
export function mediaBackAt(call: CallPage, timeoutMs = 30_000): Promise<number> {
  return eventually(
    () => call.page.evaluate(() => (window as any).__back as number | undefined),
    (t) => t !== undefined,
    timeoutMs,
    `${call.uid}'s media back`,
  ) as Promise<number>;
}
