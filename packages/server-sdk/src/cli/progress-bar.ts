/**
 * A one-line progress bar on a terminal, redrawn in place (`\r`) at most ten
 * times a second. Not on a pipe or a file: there it would be noise.
 */
import type { DownloadProgress } from '../resources/download.ts';
import { formatBytes } from './format.ts';
import type { TerminalStream } from './output.ts';

const REDRAW_MS = 100; // ms between redraws
const WIDTH = 30; // characters of bar

export class ProgressBar {
  readonly #stream: TerminalStream;
  readonly #label: string;
  readonly #now: () => number;
  #drawnAt = Number.NEGATIVE_INFINITY;
  #last: DownloadProgress = { receivedBytes: 0, totalBytes: null };

  /** `now` is for tests. */
  constructor(stream: TerminalStream, label: string, now: () => number = Date.now) {
    this.#stream = stream;
    this.#label = label;
    this.#now = now;
  }

  update(progress: DownloadProgress): void {
    this.#last = progress;
    if (this.#now() - this.#drawnAt < REDRAW_MS) return;
    this.#draw();
  }

  /** The last state, and the end of the line. */
  finish(): void {
    this.#draw();
    this.#stream.write('\n');
  }

  #draw(): void {
    this.#drawnAt = this.#now();
    const { receivedBytes, totalBytes } = this.#last;
    const done = formatBytes(receivedBytes);
    const text =
      totalBytes && totalBytes > 0
        ? `${bar(receivedBytes / totalBytes)} ${String(Math.floor((100 * receivedBytes) / totalBytes)).padStart(3)}% ${done} / ${formatBytes(totalBytes)}`
        : done;
    this.#stream.write(`\r${this.#label} ${text}\u001b[K`);
  }
}

function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, fraction) * WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`;
}

/** A bar when `stream` is a terminal; null otherwise. */
export function progressBarOn(stream: TerminalStream, label: string): ProgressBar | null {
  return stream.isTTY ? new ProgressBar(stream, label) : null;
}
