/**
 * Where a recording has no media: the stretches between its streams when
 * every one of them stopped at once — its media server crashed, or this
 * server restarted — until the first stream of the room made anew began.
 * The file covers them (black and silent); its metadata and the recording's
 * row say where they are. A stretch with no stream before the first or after
 * the last is the start or the end, not a gap.
 */

/** A gap, in ms from the start of the file. */
export interface MediaGap {
  startMs: number;
  endMs: number;
}

/** Gaps of at least `minSec` between the streams' spans (seconds from the file's start). */
export function mediaGaps(streams: readonly { offsetSec: number; durationSec: number }[], minSec = 0.5): MediaGap[] {
  const spans = streams.map((s) => [s.offsetSec, s.offsetSec + s.durationSec] as const).sort((a, b) => a[0] - b[0]);
  const gaps: MediaGap[] = [];
  let coveredTo = spans[0]?.[1] ?? 0;
  for (const [start, end] of spans.slice(1)) {
    if (start - coveredTo >= minSec) gaps.push({ startMs: Math.round(coveredTo * 1000), endMs: Math.round(start * 1000) });
    coveredTo = Math.max(coveredTo, end);
  }
  return gaps;
}

/** The gaps as ffmpeg writes them into the file's tags (`-metadata PARLEY_MEDIA_GAPS=…`): JSON, readable with ffprobe. */
export function gapsMetadataArgs(gaps: readonly MediaGap[]): string[] {
  return ['-metadata', `PARLEY_MEDIA_GAPS=${JSON.stringify(gaps)}`];
}
