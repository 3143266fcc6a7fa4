/**
 * ffmpeg's `-progress pipe:1` output: blocks of key=value lines, each ending
 * with `progress=continue` or `progress=end`. We read `out_time_us` (or
 * `out_time`) against the expected duration.
 */
export class ProgressParser {
  #buffer = '';
  #outTimeSec = 0;
  #ended = false;

  constructor(private readonly expectedSec: number) {}

  /** Feeds a chunk of stdout; returns the fraction done (0–1) after it. */
  push(chunk: string): number {
    this.#buffer += chunk;
    const lines = this.#buffer.split('\n');
    this.#buffer = lines.pop() ?? '';
    for (const line of lines) this.#line(line.trim());
    return this.fraction;
  }

  get fraction(): number {
    if (this.#ended) return 1;
    if (!(this.expectedSec > 0)) return 0;
    return Math.min(1, Math.max(0, this.#outTimeSec / this.expectedSec));
  }

  get outTimeSec(): number {
    return this.#outTimeSec;
  }

  get ended(): boolean {
    return this.#ended;
  }

  #line(line: string): void {
    const eq = line.indexOf('=');
    if (eq < 0) return;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'out_time_us' || key === 'out_time_ms') {
      // Both are microseconds (out_time_ms is misnamed in ffmpeg).
      const us = Number(value);
      if (Number.isFinite(us) && us >= 0) this.#outTimeSec = us / 1e6;
    } else if (key === 'out_time') {
      const t = parseClock(value);
      if (t !== undefined) this.#outTimeSec = t;
    } else if (key === 'progress' && value === 'end') {
      this.#ended = true;
    }
  }
}

/** "HH:MM:SS.micro" → seconds; undefined for "N/A" and other junk. */
export function parseClock(value: string): number | undefined {
  const m = /^(-)?(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value.trim());
  if (!m) return undefined;
  const t = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? undefined : t;
}
