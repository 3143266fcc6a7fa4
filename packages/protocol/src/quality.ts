/**
 * Network quality and call-quality timelines (issue 13): the sample each SDK
 * sends every few seconds (`quality.sample`), the score everyone hears
 * (`participant.quality`), and what `GET /v1/calls/:sessionId/quality` answers.
 * Every number is finite, non-negative and capped, and every list bounded, so
 * a hostile client can neither store garbage nor much of it.
 */
import { z } from 'zod';
import { MAX_SAMPLE_CONNECTIONS, type NetworkQuality as Score } from './network-quality.ts';
import { SESSION_ID, UID } from './rest.ts';

export { MAX_SAMPLE_CONNECTIONS, NETWORK_QUALITY, type NetworkMeasures, networkQuality, QUALITY_THRESHOLDS } from './network-quality.ts';
/** 0 lost (no media flows), 1 bad, 2 poor, 3 fair, 4 good, 5 excellent (NETWORK_QUALITY). */
export const NetworkQuality = z.literal([0, 1, 2, 3, 4, 5]);
export type NetworkQuality = Score;

/** Why the browser sends less than it could (RTCOutboundRtpStreamStats.qualityLimitationReason). */
export const QUALITY_LIMITATIONS = ['none', 'cpu', 'bandwidth', 'other'] as const;
export const QualityLimitation = z.enum(QUALITY_LIMITATIONS);
export type QualityLimitation = z.infer<typeof QualityLimitation>;

const amount = (max: number) => z.number().finite().min(0).max(max);
const count = (max: number) => z.number().int().min(0).max(max);

/** One direction of video: the frame rate and the largest resolution over the sample's interval. */
export const VideoFlow = z.strictObject({
  framesPerSecond: amount(240),
  width: count(16_384),
  height: count(16_384),
});
export type VideoFlow = z.infer<typeof VideoFlow>;

/** One peer connection over one sample's interval (the publisher sends, the subscriber receives). */
export const ConnectionSample = z.strictObject({
  /** Which peer connection (the signaling's PeerTarget): `publisher` sends camera and microphone, `subscriber` receives, `screen` sends a share. */
  connection: z.enum(['publisher', 'subscriber', 'screen']),
  /** Media bitrates, kbit/s (RTP payload and headers, no ICE or RTCP). */
  bitrateInKbps: amount(1_000_000),
  bitrateOutKbps: amount(1_000_000),
  /** Packets lost in the interval: what we received (subscriber), what Janus reported missing of ours (publisher). */
  packetsLost: count(10_000_000),
  /** Lost of expected in the interval, 0–100. */
  lossPercent: amount(100),
  jitterMs: amount(60_000),
  /** Round-trip time of the ICE candidate pair in use; null before one was measured. */
  rttMs: amount(60_000).nullable(),
  videoSent: VideoFlow.nullable(),
  videoReceived: VideoFlow.nullable(),
  qualityLimitation: QualityLimitation,
});
export type ConnectionSample = z.infer<typeof ConnectionSample>;

/** `quality.sample` params: what one SDK measured over the last interval. */
export const QualitySample = z.strictObject({
  /** The session it is about: the one this connection joined, else refused. */
  sessionId: SESSION_ID,
  /** The sender's own score of its network (the SDK's onNetworkQualityChanged for itself). */
  quality: NetworkQuality,
  /** How long the interval was, ms. */
  intervalMs: count(600_000),
  connections: z.array(ConnectionSample).max(MAX_SAMPLE_CONNECTIONS),
});
export type QualitySample = z.infer<typeof QualitySample>;

/** `quality.sample` result: whether it was kept (false past the per-participant bound, or sooner than the pace allows). */
export const QualitySampleResult = z.object({ stored: z.boolean() });

// ——— GET /v1/calls/:sessionId/quality ———

/** One stored sample: when the server received it, the score, the connections. */
export const StoredQualitySample = z.object({
  at: z.string(),
  quality: NetworkQuality,
  intervalMs: z.number(),
  connections: z.array(ConnectionSample),
});
export type StoredQualitySample = z.infer<typeof StoredQualitySample>;

export const ParticipantQuality = z.object({
  uid: UID,
  name: z.string(),
  /** Each stay in the call (joins and leaves), as in the call log. */
  stays: z.array(z.object({ joinedAt: z.string(), leftAt: z.string().nullable() })),
  /** Oldest first. */
  samples: z.array(StoredQualitySample),
});
export type ParticipantQuality = z.infer<typeof ParticipantQuality>;

export const CallQuality = z.object({
  sessionId: SESSION_ID,
  participants: z.array(ParticipantQuality),
});
export type CallQuality = z.infer<typeof CallQuality>;

export const CallQualityParams = z.strictObject({ sessionId: SESSION_ID });
