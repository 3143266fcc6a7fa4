/**
 * The ffmpeg half of a recording job, as pure functions: where each video
 * goes in the grid, how each stream is shifted to its start time, and the
 * filter graph and arguments that make one WebM of it all. No I/O here, so
 * the layout math and offsets are unit-tested.
 */

/** One converted stream (a .webm of VP8, an .mp4 of H.264, or an .opus), placed on the recording's timeline. */
export interface TimedStream {
  /** The converted file, given to ffmpeg as an input. */
  file: string;
  kind: 'audio' | 'video';
  /** Janus's feed id: the streams of one publisher share it, and share a tile. */
  feed: string;
  /** Seconds after the start of the recording at which this stream begins. */
  offsetSec: number;
  /** Its length in seconds (known for every converted stream; a screen share is large for that long). */
  durationSec?: number;
  /** A screen share's video: large on the canvas for as long as it runs, the cameras in a strip meanwhile. */
  screen?: boolean;
}

export interface Canvas {
  width: number;
  height: number;
  fps: number;
}

/** 1280x720 at 15 fps: every video recording has this size, whatever the number of people. */
export const CANVAS: Canvas = { width: 1280, height: 720, fps: 15 };

export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

const even = (n: number) => Math.floor(n / 2) * 2;

/**
 * A near-square grid for n tiles: columns = ceil(sqrt(n)), rows as needed.
 * Tiles have even sizes (VP8 and yuv420p want them) and a last row that is
 * not full is centred.
 */
export function gridLayout(n: number, canvas: Pick<Canvas, 'width' | 'height'> = CANVAS): Tile[] {
  if (n <= 0) return [];
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const width = even(canvas.width / cols);
  const height = even(canvas.height / rows);
  const tiles: Tile[] = [];
  for (let i = 0; i < n; i++) {
    const row = Math.floor(i / cols);
    const col = i % cols;
    const inRow = row === rows - 1 ? n - row * cols : cols;
    const rowLeft = Math.floor((canvas.width - inRow * width) / 2);
    tiles.push({ x: rowLeft + col * width, y: Math.floor((canvas.height - rows * height) / 2) + row * height, width, height });
  }
  return tiles;
}

/** While a screen is shared: the screen large on top, the cameras in a strip below. */
export const SHARE_STRIP_HEIGHT = 180;

export function shareLayout(cameras: number, canvas: Pick<Canvas, 'width' | 'height'> = CANVAS): { screen: Tile; strip: Tile[] } {
  const top = canvas.height - SHARE_STRIP_HEIGHT;
  const width = even(Math.min((SHARE_STRIP_HEIGHT * 16) / 9, canvas.width / Math.max(cameras, 1)));
  const left = Math.floor((canvas.width - cameras * width) / 2);
  return {
    screen: { x: 0, y: 0, width: canvas.width, height: top },
    strip: Array.from({ length: cameras }, (_, i) => ({ x: left + i * width, y: top, width, height: SHARE_STRIP_HEIGHT })),
  };
}

export interface RecordingPlan {
  /** ffmpeg arguments, without the output file and progress options. */
  args: string[];
  hasVideo: boolean;
  durationSec: number;
  canvas: Canvas | null;
}

const sec = (n: number) => Math.max(0, n).toFixed(3);

/**
 * The ffmpeg command for one recording: a black canvas of the recording's
 * length with each feed's video in its tile from its start time (black before
 * and after), and every audio stream delayed to its start time and mixed over
 * silence of the same length. A screen share is placed large for the time it
 * ran, the cameras in a strip under it meanwhile (shareLayout). Without video:
 * the mixed audio alone.
 */
export function buildRecordingPlan(streams: readonly TimedStream[], durationSec: number, canvas: Canvas = CANVAS): RecordingPlan {
  const duration = Math.max(durationSec, 0.1);
  const inside = streams.filter((s) => s.offsetSec < duration);
  const inputs: string[] = [];
  const filters: string[] = [];
  const videos = inside.filter((s) => s.kind === 'video');
  const audios = inside.filter((s) => s.kind === 'audio');
  const indexOf = new Map<TimedStream, number>();
  for (const s of [...videos, ...audios]) {
    indexOf.set(s, indexOf.size);
    // A camera's resolution changes mid-stream (the browser starts small and
    // steps up as bandwidth allows, a phone turns). By default ffmpeg then
    // rebuilds the whole filter graph, which restarts every source, setpts,
    // tpad and amix in it: the picture after the change lands at the wrong
    // time or not at all (a black tile), and the audio jumps back. Instead the
    // graph is kept and the scale and pad below adapt to each frame's size.
    if (s.kind === 'video') inputs.push('-reinit_filter', '0');
    inputs.push('-i', s.file);
  }

  // One tile per camera feed. A feed with several video streams (its media room was made again
  // after a crash, and it published anew) shows each in that tile from its own start.
  const cameras = videos.filter((v) => !v.screen);
  const screens = videos.filter((v) => v.screen);
  const feeds: TimedStream[] = [];
  for (const v of [...cameras].sort((a, b) => a.offsetSec - b.offsetSec)) if (!feeds.some((f) => f.feed === v.feed)) feeds.push(v);
  feeds.sort(byJoinOrder);
  const hasVideo = videos.length > 0;
  if (hasVideo) {
    const tiles = gridLayout(feeds.length, canvas);
    // While a screen is shared (each share for the time it ran) the cameras move to the strip under it.
    const running = (v: TimedStream) => `between(t,${sec(v.offsetSec)},${sec(v.offsetSec + (v.durationSec ?? duration))})`;
    const shared = screens.map(running).join('+');
    const share = shareLayout(feeds.length, canvas);
    filters.push(`color=c=black:s=${canvas.width}x${canvas.height}:r=${canvas.fps}:d=${sec(duration)}[base]`);
    const overlays: Array<{ label: string; at: Tile; enable?: string }> = [];
    const segments = feeds.flatMap((first, i) => [first, ...cameras.filter((v) => v.feed === first.feed && v !== first)].map((v, k) => ({ v, i, k })));
    for (const { v, i, k } of segments) {
      const label = k === 0 ? `v${i}` : `v${i}s${k}`;
      const input = `[${indexOf.get(v)}:v]setpts=PTS-STARTPTS,fps=${canvas.fps}`;
      const grid = tiles[i] as Tile;
      if (!shared) {
        filters.push(`${input},${fitInto(grid, v.offsetSec)}[${label}]`);
        overlays.push({ label, at: grid });
        continue;
      }
      const strip = share.strip[i] as Tile;
      filters.push(`${input},split=2[${label}in][${label}stin]`, `[${label}in]${fitInto(grid, v.offsetSec)}[${label}]`, `[${label}stin]${fitInto(strip, v.offsetSec)}[${label}st]`);
      overlays.push({ label, at: grid, enable: `not(${shared})` }, { label: `${label}st`, at: strip, enable: shared });
    }
    screens.forEach((v, n) => {
      const label = `sc${n}`;
      filters.push(`[${indexOf.get(v)}:v]setpts=PTS-STARTPTS,fps=${canvas.fps},${fitInto(share.screen, v.offsetSec)}[${label}]`);
      // Only while it runs: shares take the same place, and each is black before its start (tpad).
      overlays.push({ label, at: share.screen, enable: running(v) });
    });
    let last = 'base';
    overlays.forEach(({ label, at, enable }, n) => {
      const out = n === overlays.length - 1 ? 'vout' : `o${n}`;
      filters.push(`[${last}][${label}]overlay=x=${at.x}:y=${at.y}:eof_action=pass:repeatlast=0${enable ? `:enable='${enable}'` : ''}[${out}]`);
      last = out;
    });
  }

  // Silence under everything gives the audio the recording's full length.
  filters.push(`anullsrc=r=48000:cl=stereo,atrim=0:${sec(duration)}[silence]`);
  const mixIn = ['[silence]'];
  audios.forEach((a, i) => {
    const idx = indexOf.get(a) as number;
    const delayMs = Math.round(Math.max(0, a.offsetSec) * 1000);
    filters.push(`[${idx}:a]aresample=48000,aformat=channel_layouts=stereo,asetpts=PTS-STARTPTS,adelay=${delayMs}:all=1[a${i}]`);
    mixIn.push(`[a${i}]`);
  });
  filters.push(`${mixIn.join('')}amix=inputs=${mixIn.length}:duration=first:dropout_transition=0:normalize=0[aout]`);

  const args = ['-hide_banner', '-nostdin', '-y', ...inputs, '-filter_complex', filters.join(';')];
  if (hasVideo) {
    args.push('-map', '[vout]', '-pix_fmt', 'yuv420p', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1500k', '-g', String(canvas.fps * 4), '-threads', '2');
  }
  args.push('-map', '[aout]', '-c:a', 'libopus', '-b:a', '96k', '-t', sec(duration), '-f', 'webm');
  return { args, hasVideo, durationSec: duration, canvas: hasVideo ? canvas : null };
}

/**
 * A video fitted into a tile (black bars keep its shape) and shifted to its
 * start, black before. eval=frame: the fit is worked out again for a frame of
 * another size or shape (see -reinit_filter above).
 */
function fitInto(t: Tile, offsetSec: number): string {
  return (
    `scale=${t.width}:${t.height}:force_original_aspect_ratio=decrease:eval=frame,` +
    `pad=${t.width}:${t.height}:(ow-iw)/2:(oh-ih)/2:color=black:eval=frame,setsar=1,format=yuv420p,` +
    `tpad=start_duration=${sec(offsetSec)}:start_mode=add:color=black`
  );
}

/**
 * Tiles go in the order people joined the call: the server numbers feeds 1, 2,
 * 3… as they join. Not by when each picture starts: that is the first key
 * frame, which comes a moment earlier or later by chance, so two people there
 * from the start would swap places from one recording to the next. Feeds that
 * are not numbers (external naming) go by their first picture.
 */
function byJoinOrder(a: TimedStream, b: TimedStream): number {
  const [x, y] = [a.feed, b.feed].map((f) => (/^\d+$/.test(f) ? Number(f) : Number.NaN)) as [number, number];
  if (Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a.offsetSec - b.offsetSec;
}

/**
 * The recording's timeline from the streams' start times (Janus's clock, µs)
 * and the server's start and stop times (ms). When the two clocks agree (the
 * embedded Janus, or a well-synchronised node) the file spans exactly start →
 * stop; when they do not, it spans the streams themselves.
 */
export function timeline(
  streams: readonly { startUs: number; durationSec: number }[],
  startedAtMs: number,
  stoppedAtMs: number,
): { originMs: number; durationSec: number } {
  const span = Math.max(0, (stoppedAtMs - startedAtMs) / 1000);
  if (streams.length === 0) return { originMs: startedAtMs, durationSec: span };
  const starts = streams.map((s) => s.startUs / 1000);
  const agree = starts.every((t) => t >= startedAtMs - 5_000 && t <= stoppedAtMs + 5_000);
  if (agree && span > 0) return { originMs: startedAtMs, durationSec: span };
  const origin = Math.min(...starts);
  const end = Math.max(...streams.map((s) => s.startUs / 1000 + s.durationSec * 1000));
  return { originMs: origin, durationSec: Math.max(0.1, (end - origin) / 1000) };
}
