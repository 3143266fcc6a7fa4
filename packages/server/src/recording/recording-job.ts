/**
 * Turns one stopped recording into its file: every raw stream converted with
 * janus-pp-rec, placed on the timeline by its start time, laid out and mixed
 * by ffmpeg, then checked with ffprobe. Raw files are removed only once the
 * result is verified; a failed job keeps them and says why.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { run } from './exec.ts';
import { buildRecordingPlan, type RecordingPlan, type TimedStream, timeline } from './filter-graph.ts';
import { gapsMetadataArgs, type MediaGap, mediaGaps } from './media-gaps.ts';
import { ProgressParser } from './progress.ts';
import { convert, listMjr, type RawStream, readHeader, targetExtension } from './raw-streams.ts';
import { readScreenFeeds } from './screen-feeds.ts';
import type { RecordingRow, RecordingsStore } from './recordings-store.ts';

/** Share of the progress bar the janus-pp-rec conversions take; ffmpeg takes the rest. */
const CONVERT_SHARE = 0.05;
const PROGRESS_WRITE_MS = 500;
/** How far the file's duration may be from the planned one and still count as right. */
const DURATION_TOLERANCE_SEC = 1.5;

export interface ProbeResult {
  durationSec: number;
  sizeBytes: number;
  video: { width: number; height: number } | null;
  audio: boolean;
}

export async function probe(file: string, signal?: AbortSignal): Promise<ProbeResult> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration,size:stream=codec_type,width,height', '-of', 'json', file],
    signal ? { signal } : {},
  );
  const info = JSON.parse(stdout) as { format?: { duration?: string; size?: string }; streams?: Array<{ codec_type?: string; width?: number; height?: number }> };
  const video = info.streams?.find((s) => s.codec_type === 'video');
  return {
    durationSec: Number(info.format?.duration ?? Number.NaN),
    sizeBytes: Number(info.format?.size ?? 0),
    video: video ? { width: Number(video.width), height: Number(video.height) } : null,
    audio: info.streams?.some((s) => s.codec_type === 'audio') ?? false,
  };
}

export interface RecordingJobDeps {
  store: RecordingsStore;
  /** Where finished files go (DATA_DIR/recordings). */
  outputDir: string;
  log: Logger;
  /** Told when the file is made, verified and recorded as ready. */
  ready?(recording: RecordingRow): void;
  /** Told when the job failed for good and the row says so. */
  failed?(recording: RecordingRow, error: string): void;
}

export class RecordingJob {
  readonly id: string;
  readonly #abort = new AbortController();
  #lastWrite = 0;

  constructor(
    readonly recording: RecordingRow,
    private readonly deps: RecordingJobDeps,
  ) {
    this.id = recording.id;
  }

  /** Kills the running child process; the job rejects with the reason. */
  cancel(reason: string): void {
    this.#abort.abort(new Error(reason));
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Runs the job to `ready` or `failed`; rejects only when cancelled. */
  async run(): Promise<void> {
    const { store, log } = this.deps;
    const r = this.recording;
    await store.jobStarted(r.id);
    try {
      const file = await this.#process();
      await store.ready(r.id, file);
      rmSync(r.rawDir, { recursive: true, force: true });
      log.info({ recordingId: r.id, durationMs: file.durationMs, sizeBytes: file.sizeBytes }, 'recording ready');
      this.deps.ready?.(r);
    } catch (error) {
      if (this.signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      log.error({ recordingId: r.id, err: error }, 'recording job failed');
      await store.failed(r.id, message);
      this.deps.failed?.(r, message);
    }
  }

  async #process() {
    const r = this.recording;
    const signal = this.signal;
    const work = join(r.rawDir, 'work');
    rmSync(work, { recursive: true, force: true }); // what a killed run left behind
    mkdirSync(work, { recursive: true });

    const mjrs = listMjr(r.rawDir);
    if (mjrs.length === 0) throw new Error('No media was recorded (no raw stream files)');
    const converted: Array<RawStream & { file: string; durationSec: number; delaySec: number }> = [];
    for (const [i, mjr] of mjrs.entries()) {
      const stream = await readHeader(mjr, signal).catch((error: unknown) => {
        this.deps.log.warn({ recordingId: r.id, mjr, err: error }, 'unreadable raw stream skipped');
        return undefined;
      });
      const ext = stream && targetExtension(stream);
      if (!stream || !ext) continue;
      const out = join(work, `${basename(mjr, '.mjr')}.${ext}`);
      try {
        const delaySec = await convert(stream, out, signal);
        const probed = await probe(out, signal);
        if (!(probed.durationSec > 0)) throw new Error('empty stream');
        converted.push({ ...stream, file: out, durationSec: probed.durationSec, delaySec });
      } catch (error) {
        if (signal.aborted) throw error;
        // A stream that never got a packet (a muted microphone, a camera that never started) is not an error.
        this.deps.log.warn({ recordingId: r.id, mjr, err: error }, 'raw stream without usable media skipped');
      }
      await this.#progress(((i + 1) / mjrs.length) * CONVERT_SHARE);
    }
    if (converted.length === 0) throw new Error(`None of the ${mjrs.length} raw stream file(s) had usable media`);

    const stoppedAt = (r.stoppedAt ?? new Date()).getTime();
    const { originMs, durationSec } = timeline(converted, r.startedAt.getTime(), stoppedAt);
    const screenFeeds = readScreenFeeds(r.rawDir);
    const streams: TimedStream[] = converted.map((s) => ({
      file: s.file,
      kind: s.kind,
      feed: s.feed,
      durationSec: s.durationSec,
      screen: screenFeeds.has(s.feed),
      offsetSec: (s.startUs / 1000 - originMs) / 1000 + s.delaySec,
    }));
    const plan = buildRecordingPlan(streams, durationSec);
    // Where no stream covers the timeline (a crash or a restart): black and silent in the file, and said so.
    const gaps = mediaGaps(streams.map((s, i) => ({ offsetSec: s.offsetSec, durationSec: converted[i]?.durationSec ?? 0 })));
    const partial = join(work, `${r.id}.partial.webm`);
    await this.#encode(plan, partial, gaps);

    const probed = await probe(partial, signal);
    this.#verify(plan, probed);
    mkdirSync(this.deps.outputDir, { recursive: true });
    const final = join(this.deps.outputDir, `${r.id}.webm`);
    renameSync(partial, final);
    return {
      path: final,
      sizeBytes: statSync(final).size,
      durationMs: probed.durationSec * 1000,
      mimeType: plan.hasVideo ? 'video/webm' : 'audio/webm',
      width: probed.video?.width ?? null,
      height: probed.video?.height ?? null,
      gaps,
    };
  }

  async #encode(plan: RecordingPlan, out: string, gaps: readonly MediaGap[]): Promise<void> {
    const parser = new ProgressParser(plan.durationSec);
    await run('ffmpeg', [...plan.args, ...gapsMetadataArgs(gaps), '-loglevel', 'error', '-nostats', '-progress', 'pipe:1', out], {
      signal: this.signal,
      onStdout: (chunk) => void this.#progress(CONVERT_SHARE + parser.push(chunk) * (1 - CONVERT_SHARE)),
    });
  }

  #verify(plan: RecordingPlan, probed: ProbeResult): void {
    if (!(probed.durationSec > 0)) throw new Error('The encoded file has no duration');
    if (!probed.audio) throw new Error('The encoded file has no audio stream');
    if (plan.hasVideo && !probed.video) throw new Error('The encoded file has no video stream');
    if (Math.abs(probed.durationSec - plan.durationSec) > DURATION_TOLERANCE_SEC) {
      throw new Error(`The encoded file lasts ${probed.durationSec.toFixed(2)} s, expected ${plan.durationSec.toFixed(2)} s`);
    }
  }

  async #progress(fraction: number): Promise<void> {
    const now = Date.now();
    if (now - this.#lastWrite < PROGRESS_WRITE_MS && fraction < 1) return;
    this.#lastWrite = now;
    await this.deps.store.progress(this.id, Math.min(0.99, fraction)).catch(() => undefined);
  }
}

export function rawFilesExist(rawDir: string): boolean {
  return existsSync(rawDir) && listMjr(rawDir).length > 0;
}
