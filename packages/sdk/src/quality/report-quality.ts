/**
 * `onNetworkQualityChanged` for anyone — ourselves (QualityMonitor) or someone
 * else (the server's `participant.quality`) — on changes only.
 */
import type { ArgsOf, NetworkQuality } from '@parley/protocol';
import type { CallEvents } from '../api/events.ts';

export interface QualityReportContext {
  /** The latest score of each participant; the session owns it (CallFacts). */
  readonly facts: { readonly networkQuality: Map<string, NetworkQuality> };
  emit<E extends keyof CallEvents>(event: E, ...args: ArgsOf<CallEvents>[E]): void;
}

export function reportNetworkQuality(s: QualityReportContext, uid: string, quality: NetworkQuality): void {
  if (s.facts.networkQuality.get(uid) === quality) return;
  s.facts.networkQuality.set(uid, quality);
  s.emit('onNetworkQualityChanged', { uid, quality });
}
