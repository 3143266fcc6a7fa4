/**
 * The media server's view of one participant's network, scored on the same
 * 0–5 scale as their own getStats() (the protocol's networkQuality): what
 * reached the server from their publisher (their uplink) and what reached
 * them from the server (their downlink, from their receiver reports), the
 * worse of the two. A downlink loss is first reduced by the worst uplink loss
 * of the others: a packet their sender never got through is counted lost at
 * every receiver too, and is not the receiver's fault.
 */
import { type NetworkQuality, networkQuality } from '@parley/protocol';
import type { ConnectionStats } from '../media/media-backend.ts';

export interface MediaView {
  /** The server's latest stats of their camera publisher, if it has any. */
  publisher?: ConnectionStats | undefined;
  /** The server's latest stats of their subscriber connection, if it has any. */
  subscriber?: ConnectionStats | undefined;
  /** The worst uplink loss (0–100) among the others who publish in the session now. */
  othersUplinkLossPercent: number;
}

/** Their score from the server's view; undefined when no media moved either way (no view, which is not "lost"). */
export function mediaViewQuality({ publisher, subscriber, othersUplinkLossPercent }: MediaView): NetworkQuality | undefined {
  const up = publisher?.received;
  const down = subscriber?.sent;
  if (!up && !down) return undefined;
  const losses = [up?.lossPercent ?? 0, Math.max(0, (down?.lossPercent ?? 0) - othersUplinkLossPercent)];
  const rtts = [publisher?.rttMs, subscriber?.rttMs].filter((r): r is number => typeof r === 'number');
  return networkQuality({
    flowing: true,
    lossPercent: Math.max(...losses),
    jitterMs: Math.max(up?.jitterMs ?? 0, down?.jitterMs ?? 0),
    rttMs: rtts.length > 0 ? Math.max(...rtts) : null,
  });
}
