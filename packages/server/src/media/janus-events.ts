/**
 * What Janus's WebSocket event handler (libjanus_wsevh) sends us, checked and
 * turned into the media backend's ConnectionStats per handle. We ask it for
 * media events only (janus-config.ts); of those, the periodic stats (type 32,
 * subtype 3) are read — one event per handle with every medium in an array
 * (`combine_media_stats`), or one per medium. Anything malformed is counted
 * and dropped: the sender is a process we started, but a bad number must not
 * reach the quality scores.
 *
 * Per medium Janus reports (src/ice.c, 1.1.2): `in-link-quality` and
 * `out-media-link-quality`, 0–100, filtered over RTCP intervals — the share
 * of packets that reached Janus from the browser, and that reached the browser
 * from Janus (its receiver reports); `jitter-local` / `jitter-remote` in ms;
 * `rtt` in ms on the first layer; `bytes-received-lastsec` /
 * `bytes-sent-lastsec`; and the running totals each direction's loss per
 * interval is measured from (link-loss.ts): `packets-received` and `lost` (the
 * publisher's packets Janus found missing), `packets-sent` and `nacks-received`.
 * The filtered qualities lag and mislead: a simulcast layer the browser turns
 * back on (Chromium drops its top layer while its encoder lacks CPU) has its
 * quality read 36–81 for several seconds with no packet lost (measured under
 * load in e2e).
 * Jitter is read from audio when audio moves that way: audio goes out every
 * 20 ms, so its jitter is the network's, while a video frame's packets leave
 * in a burst when the encoder gets to them, and a busy host adds its own
 * (healthy video at 40–75 ms under load, its audio at 13–29). A quality
 * of exactly 0 is also what Janus reports
 * before it measured anything (and for a direction that carries nothing), so it
 * is read as "not measured"; a link that loses everything shows otherwise
 * (Janus stops receiving, slow links).
 */
import { worstReading } from './link-reading.ts';
import type { ConnectionStats, LinkReading } from './media-backend.ts';

/** Janus's event type for media events and the subtype of its periodic stats (src/events.h). */
const MEDIA_EVENT = 32;
const MEDIA_STATS = 3;
/** The first layer of audio and video; simulcast's other layers are `video-sim1`, `video-sim2`. */
const LAYERED = /^(audio|video)(-sim[12])?$/;

export interface HandleStats {
  sessionId: number;
  handleId: number;
  stats: ConnectionStats;
}

export interface ParsedEvents {
  stats: HandleStats[];
  /** Events that were neither stats nor another media event, or had a field out of range. */
  rejected: number;
}

interface Medium {
  mid: string;
  media: string;
  rtt: number;
  inQuality: number;
  outQuality: number;
  jitterLocal: number;
  jitterRemote: number;
  bytesIn: number;
  bytesOut: number;
  packetsReceived: number;
  /** The publisher's packets Janus found missing (by sequence number), counted as they go. */
  lost: number;
  packetsSent: number;
  /** Packets the browser asked again for (its NACKs), counted as they come — unlike its receiver reports' loss, which Janus reads from the first report block only. */
  nacksReceived: number;
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const percent = (v: unknown): number | undefined => {
  const n = count(v);
  return n !== undefined && n <= 100 ? n : undefined;
};

/** One medium's entry; undefined: not audio or video (nothing to read); null: a field missing or out of range. */
function medium(raw: unknown): Medium | undefined | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  if (typeof m.media !== 'string' || typeof m.mid !== 'string') return null;
  // Data channels carry no link measures; not an error.
  if (!LAYERED.test(m.media)) return undefined;
  const fields = {
    rtt: count(m.rtt ?? 0),
    inQuality: percent(m['in-link-quality']),
    outQuality: percent(m['out-media-link-quality']),
    jitterLocal: count(m['jitter-local']),
    jitterRemote: count(m['jitter-remote']),
    bytesIn: count(m['bytes-received-lastsec']),
    bytesOut: count(m['bytes-sent-lastsec']),
    packetsReceived: count(m['packets-received'] ?? 0),
    lost: count(m.lost ?? 0),
    packetsSent: count(m['packets-sent'] ?? 0),
    nacksReceived: count(m['nacks-received'] ?? 0),
  };
  for (const v of Object.values(fields)) if (v === undefined) return null;
  return { mid: m.mid, media: m.media, ...(fields as Omit<Medium, 'mid' | 'media'>) };
}

/**
 * The worst measured medium one way (its jitter from audio when audio was measured), and everything
 * that moved that way; undefined if nothing moved or nothing was measured.
 */
function reading(media: readonly Medium[], way: 'in' | 'out'): LinkReading | undefined {
  const moving = media.filter((m) => (way === 'in' ? m.bytesIn : m.bytesOut) > 0);
  const measured = moving.filter((m) => (way === 'in' ? m.inQuality : m.outQuality) > 0);
  if (measured.length === 0) return undefined;
  const audio = measured.filter((m) => m.media === 'audio');
  return {
    lossPercent: Math.max(...measured.map((m) => 100 - (way === 'in' ? m.inQuality : m.outQuality))),
    jitterMs: Math.max(...(audio.length > 0 ? audio : measured).map((m) => (way === 'in' ? m.jitterLocal : m.jitterRemote))),
    bytesPerSecond: moving.reduce((sum, m) => sum + (way === 'in' ? m.bytesIn : m.bytesOut), 0),
  };
}

/** Per m-line, two running counts of its medium, every layer's together. */
function sumsByMid(media: readonly Medium[], counts: (m: Medium) => readonly [number, number]): Array<[mid: string, a: number, b: number]> {
  const sums = new Map<string, [number, number]>();
  for (const m of media) {
    const [a, b] = counts(m);
    const sum = sums.get(m.mid) ?? [0, 0];
    sums.set(m.mid, [sum[0] + a, sum[1] + b]);
  }
  return [...sums].map(([mid, [a, b]]) => [mid, a, b]);
}

function connectionStats(media: readonly Medium[]): ConnectionStats {
  const rtts = media.map((m) => m.rtt).filter((r) => r > 0);
  const received = reading(media, 'in');
  const sentByMid: Record<string, LinkReading> = {};
  for (const mid of new Set(media.map((m) => m.mid))) {
    const one = reading(
      media.filter((m) => m.mid === mid),
      'out',
    );
    if (one) sentByMid[mid] = one;
  }
  const sent = worstReading(Object.values(sentByMid));
  const receivedTotals = sumsByMid(media, (m) => [m.packetsReceived, m.lost]).map(([mid, packets, lost]) => [mid, { packets, lost }]);
  const sentTotals = sumsByMid(media, (m) => [m.packetsSent, m.nacksReceived]).map(([mid, packets, nacked]) => [mid, { packets, nacked }]);
  return {
    ...(received ? { received } : {}),
    ...(media.some((m) => m.packetsReceived > 0) ? { receivedTotals: Object.fromEntries(receivedTotals) } : {}),
    ...(sent ? { sent, sentByMid } : {}),
    ...(media.some((m) => m.packetsSent > 0) ? { sentTotals: Object.fromEntries(sentTotals) } : {}),
    rttMs: rtts.length > 0 ? Math.max(...rtts) : null,
  };
}

/** Parses one message of the event handler: a single event or, grouped, an array of them. */
export function parseJanusEvents(text: string): ParsedEvents {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { stats: [], rejected: 1 };
  }
  const events = Array.isArray(body) ? body : [body];
  // Per-medium events of one handle (combine_media_stats off) are gathered into one reading.
  const byHandle = new Map<number, { sessionId: number; media: Medium[] }>();
  let rejected = 0;
  for (const raw of events) {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (e.type !== MEDIA_EVENT || !isId(e.session_id) || !isId(e.handle_id)) {
      rejected++;
      continue;
    }
    if (e.subtype !== MEDIA_STATS) continue; // media state and slow links come on the Janus API too
    const entries = (Array.isArray(e.event) ? e.event : [e.event]).map(medium);
    if (entries.includes(null)) {
      rejected++;
      continue;
    }
    const known = byHandle.get(e.handle_id) ?? { sessionId: e.session_id, media: [] };
    known.media.push(...entries.filter((m): m is Medium => m !== undefined && m !== null));
    byHandle.set(e.handle_id, known);
  }
  const stats = [...byHandle].map(([handleId, { sessionId, media }]) => ({ sessionId, handleId, stats: connectionStats(media) }));
  return { stats, rejected };
}
