/**
 * The media server's view of one participant's network, scored on the same
 * 0–5 scale as their own getStats() (the protocol's networkQuality): what
 * reached the server from their publisher (their uplink) and what reached
 * them from the server (their downlink, from their receiver reports), the
 * worse of the two. The downlink reading comes without the m-lines of senders
 * in trouble on their own uplink (sessions/subscriber-video.ts ownStats): a
 * packet a sender never got through is lost at every receiver too, through no
 * fault of theirs.
 */
import { type NetworkQuality, networkQuality } from '@parley/protocol';
import type { ConnectionStats } from '../media/media-backend.ts';

export interface MediaView {
  /** The server's latest stats of their camera publisher, if it has any. */
  publisher?: ConnectionStats | undefined;
  /** The server's latest stats of their subscriber connection, if it has any. */
  subscriber?: ConnectionStats | undefined;
}

/** Their score from the server's view; undefined when no media moved either way (no view, which is not "lost"). */
export function mediaViewQuality({ publisher, subscriber }: MediaView): NetworkQuality | undefined {
  const up = publisher?.received;
  const down = subscriber?.sent;
  if (!up && !down) return undefined;
  const rtts = [publisher?.rttMs, subscriber?.rttMs].filter((r): r is number => typeof r === 'number');
  return networkQuality({
    flowing: true,
    lossPercent: Math.max(up?.lossPercent ?? 0, down?.lossPercent ?? 0),
    jitterMs: Math.max(up?.jitterMs ?? 0, down?.jitterMs ?? 0),
    rttMs: rtts.length > 0 ? Math.max(...rtts) : null,
  });
}
