/**
 * From getStats() to the protocol's ConnectionSample: `readConnection` takes
 * one report's cumulative counters and current values, and `connectionSample`
 * turns two readings of the same connection into what happened between them
 * (bitrates, loss, the worst jitter, the round trip, video both ways). Pure,
 * so a recorded report is enough to test it.
 */
import type { ConnectionSample, QualityLimitation, VideoFlow } from '@parley/protocol';
import type { LinkMeasures } from './network-quality.ts';

/** The fields of RTCStats the SDK reads, all optional as browsers differ. */
interface StatLike {
  type: string;
  id: string;
  timestamp?: number;
  kind?: string;
  bytesReceived?: number;
  bytesSent?: number;
  headerBytesReceived?: number;
  headerBytesSent?: number;
  packetsReceived?: number;
  packetsSent?: number;
  packetsLost?: number;
  jitter?: number;
  roundTripTime?: number;
  currentRoundTripTime?: number;
  framesPerSecond?: number;
  frameWidth?: number;
  frameHeight?: number;
  qualityLimitationReason?: string;
  selectedCandidatePairId?: string;
  nominated?: boolean;
  state?: string;
}

/** What getStats() resolves to, as far as we read it (an RTCStatsReport, or a Map in tests). */
export interface StatsLike {
  values(): IterableIterator<unknown>;
}

/** One connection's counters (since it was made) and current values, at one moment. */
export interface ConnectionReading {
  connection: ConnectionSample['connection'];
  /** The report's time, ms. */
  atMs: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  /** Lost of what we receive (inbound-rtp). */
  lostIn: number;
  /** Each received stream's counters, by stats id (linkMeasures tells our link from a sender's). */
  inbound: Map<string, { packets: number; lost: number; jitterMs: number }>;
  packetsOut: number;
  /** Lost of what we send, as the receiver (Janus) reported it (remote-inbound-rtp). */
  lostOut: number;
  jitterMs: number;
  rttMs: number | null;
  videoSent: VideoFlow | null;
  videoReceived: VideoFlow | null;
  qualityLimitation: QualityLimitation;
}

const LIMITATIONS: readonly string[] = ['none', 'cpu', 'bandwidth', 'other'];

/** The larger of two video flows (by pixels), for a connection carrying several. */
function larger(a: VideoFlow | null, s: StatLike): VideoFlow | null {
  const b: VideoFlow = { framesPerSecond: s.framesPerSecond ?? 0, width: s.frameWidth ?? 0, height: s.frameHeight ?? 0 };
  if (b.width === 0 && b.framesPerSecond === 0) return a;
  return !a || b.width * b.height > a.width * a.height ? b : a;
}

/**
 * A stream's jitter in ms, at most a minute (what a sample may carry): a receiver
 * report's jitter is the media server's word, seen above that on a loaded machine,
 * and one wild figure must not cost the whole sample.
 */
const jitterMsOf = (s: StatLike) => Math.min(60, s.jitter ?? 0) * 1000;

/** The round trip of the ICE candidate pair in use: the transport's selected pair, else a nominated one that succeeded. */
function pairRttMs(stats: StatLike[]): number | null {
  const byId = new Map(stats.map((s) => [s.id, s]));
  const selected = stats.filter((s) => s.type === 'transport' && s.selectedCandidatePairId).map((s) => byId.get(s.selectedCandidatePairId!));
  const pair = selected[0] ?? stats.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  return pair?.currentRoundTripTime === undefined ? null : pair.currentRoundTripTime * 1000;
}

export function readConnection(connection: ConnectionSample['connection'], report: StatsLike): ConnectionReading {
  const stats = [...report.values()] as StatLike[];
  const r: ConnectionReading = {
    connection,
    atMs: 0,
    bytesIn: 0,
    bytesOut: 0,
    packetsIn: 0,
    lostIn: 0,
    inbound: new Map(),
    packetsOut: 0,
    lostOut: 0,
    jitterMs: 0,
    rttMs: pairRttMs(stats),
    videoSent: null,
    videoReceived: null,
    qualityLimitation: 'none',
  };
  let remoteRttMs: number | null = null;
  for (const s of stats) {
    r.atMs = Math.max(r.atMs, s.timestamp ?? 0);
    if (s.type === 'inbound-rtp') {
      r.bytesIn += (s.bytesReceived ?? 0) + (s.headerBytesReceived ?? 0);
      r.packetsIn += s.packetsReceived ?? 0;
      r.lostIn += Math.max(0, s.packetsLost ?? 0);
      const jitterMs = jitterMsOf(s);
      r.jitterMs = Math.max(r.jitterMs, jitterMs);
      r.inbound.set(s.id, { packets: s.packetsReceived ?? 0, lost: Math.max(0, s.packetsLost ?? 0), jitterMs });
      if (s.kind === 'video') r.videoReceived = larger(r.videoReceived, s);
    } else if (s.type === 'outbound-rtp') {
      r.bytesOut += (s.bytesSent ?? 0) + (s.headerBytesSent ?? 0);
      r.packetsOut += s.packetsSent ?? 0;
      if (s.kind === 'video') {
        r.videoSent = larger(r.videoSent, s);
        const reason = s.qualityLimitationReason;
        if (reason && reason !== 'none' && LIMITATIONS.includes(reason)) r.qualityLimitation = reason as QualityLimitation;
      }
    } else if (s.type === 'remote-inbound-rtp') {
      r.lostOut += Math.max(0, s.packetsLost ?? 0);
      r.jitterMs = Math.max(r.jitterMs, jitterMsOf(s));
      if (s.roundTripTime !== undefined) remoteRttMs = Math.max(remoteRttMs ?? 0, s.roundTripTime * 1000);
    }
  }
  r.rttMs ??= remoteRttMs;
  return r;
}

const rounded = (value: number, places = 1) => Math.round(value * 10 ** places) / 10 ** places;
const delta = (now: number, before: number) => Math.max(0, now - before);

/** What happened on one connection between two readings (`before` of the same connection object). */
export function connectionSample(now: ConnectionReading, before: ConnectionReading): ConnectionSample {
  const seconds = Math.max(0.001, (now.atMs - before.atMs) / 1000);
  const kbps = (bytes: number) => rounded((bytes * 8) / 1000 / seconds);
  const receiving = now.connection === 'subscriber';
  const lost = receiving ? delta(now.lostIn, before.lostIn) : delta(now.lostOut, before.lostOut);
  // Received: lost of (received + lost). Sent: lost of what was sent (the receiver's count lags a little).
  const expected = receiving ? delta(now.packetsIn, before.packetsIn) + lost : delta(now.packetsOut, before.packetsOut);
  return {
    connection: now.connection,
    bitrateInKbps: kbps(delta(now.bytesIn, before.bytesIn)),
    bitrateOutKbps: kbps(delta(now.bytesOut, before.bytesOut)),
    packetsLost: lost,
    lossPercent: expected === 0 ? 0 : rounded(Math.min(100, (lost / expected) * 100), 2),
    jitterMs: rounded(now.jitterMs),
    rttMs: now.rttMs === null ? null : rounded(now.rttMs),
    videoSent: now.videoSent && { ...now.videoSent, framesPerSecond: rounded(now.videoSent.framesPerSecond) },
    videoReceived: now.videoReceived && { ...now.videoReceived, framesPerSecond: rounded(now.videoReceived.framesPerSecond) },
    qualityLimitation: now.qualityLimitation,
  };
}

/**
 * How good our own link was between two readings, for the score (network-quality.ts). Sending,
 * Janus reports what it missed of ours. Receiving, a stream arrives with its sender's losses too
 * (the media server forwards the gaps), so our downlink is taken as the best stream we received:
 * when only one sender's link is poor, ours is not; when ours is, every stream shows it.
 */
export function linkMeasures(now: ConnectionReading, before: ConnectionReading): LinkMeasures {
  if (now.connection !== 'subscriber') {
    const sent = delta(now.packetsOut, before.packetsOut);
    return { lossPercent: sent === 0 ? 0 : Math.min(100, (delta(now.lostOut, before.lostOut) / sent) * 100), jitterMs: now.jitterMs, rttMs: now.rttMs };
  }
  const streams = [...now.inbound].flatMap(([id, stream]) => {
    const earlier = before.inbound.get(id);
    if (!earlier) return [];
    const lost = delta(stream.lost, earlier.lost);
    const expected = delta(stream.packets, earlier.packets) + lost;
    return expected === 0 ? [] : [{ lossPercent: (lost / expected) * 100, jitterMs: stream.jitterMs }];
  });
  return {
    lossPercent: streams.length === 0 ? 0 : Math.min(...streams.map((x) => x.lossPercent)),
    jitterMs: streams.length === 0 ? 0 : Math.min(...streams.map((x) => x.jitterMs)),
    rttMs: now.rttMs,
  };
}
