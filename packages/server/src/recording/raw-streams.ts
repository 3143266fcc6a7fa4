/**
 * What Janus left in a recording's raw folder: one `.mjr` per published
 * stream. Reads each header (`janus-pp-rec -j`: kind, codec, start time) and
 * converts it (`janus-pp-rec in.mjr out.webm|out.opus`).
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { run } from './exec.ts';

export interface RawStream {
  mjr: string;
  kind: 'audio' | 'video';
  codec: string;
  /** Janus's wall clock when the first packet was written, µs since the epoch. */
  startUs: number;
  /** The publisher the stream belongs to (Janus's feed id, from the file name). */
  feed: string;
}

export function listMjr(rawDir: string): string[] {
  try {
    return readdirSync(rawDir)
      .filter((f) => f.endsWith('.mjr'))
      .sort()
      .map((f) => join(rawDir, f));
  } catch {
    return [];
  }
}

/** The newest modification time of the raw files, for a recording cut short by a crash. */
export function lastWrite(files: readonly string[]): Date | undefined {
  let last = 0;
  for (const f of files) last = Math.max(last, statSync(f).mtimeMs);
  return last > 0 ? new Date(last) : undefined;
}

/**
 * The feed a file belongs to. Janus names them `videoroom-<room>-user-<feed>-<ts>-<kind>-<mindex>.mjr`,
 * or `<filename>-<kind>-<mindex>.mjr` when the publisher was given a filename (ours: `feed-<feed>-…`).
 */
export function feedOf(file: string): string {
  const name = basename(file, '.mjr');
  const janus = /-user-([^-]+)-\d+-(?:audio|video|data)-\d+$/.exec(name);
  if (janus) return janus[1] as string;
  const ours = /^feed-([^-]+)-/.exec(name);
  if (ours) return ours[1] as string;
  return name.replace(/-(?:audio|video|data)-\d+$/, '');
}

export async function readHeader(mjr: string, signal?: AbortSignal): Promise<RawStream | undefined> {
  const { stdout } = await run('janus-pp-rec', ['-j', mjr], signal ? { signal } : {});
  const line = stdout.split('\n').find((l) => l.trim().startsWith('{'));
  if (!line) return undefined;
  const h = JSON.parse(line) as { t?: string; c?: string; u?: number; s?: number };
  const kind = h.t === 'v' ? 'video' : h.t === 'a' ? 'audio' : undefined;
  if (!kind) return undefined; // data channels are not part of the file
  return { mjr, kind, codec: String(h.c ?? ''), startUs: Number(h.u ?? h.s ?? 0), feed: feedOf(mjr) };
}

/** The container janus-pp-rec writes for a codec (VP8/VP9 → WebM, H.264 → MP4), or undefined when the file can not use it. */
export function targetExtension(stream: Pick<RawStream, 'kind' | 'codec'>): string | undefined {
  if (stream.kind === 'video') return VIDEO_CONTAINERS[stream.codec];
  return stream.codec === 'opus' ? 'opus' : undefined;
}

/** Rooms take VP8 and H.264 (janus-room.ts); ffmpeg decodes either into the one grid it encodes. */
const VIDEO_CONTAINERS: Record<string, string> = { vp8: 'webm', vp9: 'webm', h264: 'mp4' };

/**
 * Converts one stream; resolves with how late its picture starts, in seconds.
 * A video file begins at its first key frame (janus-pp-rec drops what comes
 * before, and says `First keyframe: <RTP ticks>` after the first packet), so
 * its place on the timeline is the stream's start plus that delay.
 */
export async function convert(stream: RawStream, out: string, signal?: AbortSignal): Promise<number> {
  const { stdout, stderr } = await run('janus-pp-rec', [stream.mjr, out], signal ? { signal } : {});
  return stream.kind === 'video' ? keyframeDelaySec(`${stdout}\n${stderr}`) : 0;
}

/** `First keyframe: 297000` (90 kHz RTP ticks after the first packet) → 3.3 s. */
export function keyframeDelaySec(output: string): number {
  const m = /First keyframe:\s*(\d+)/.exec(output);
  return m ? Number(m[1]) / 90_000 : 0;
}
