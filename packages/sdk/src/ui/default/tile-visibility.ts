/**
 * How large each remote tile's video is on screen, for the session's
 * setRemoteVideoView: its box (ResizeObserver) while any of it is in view
 * (IntersectionObserver), else 0 × 0 — a tile hidden, parked, scrolled or
 * clipped away gets no video from the server until it shows again. The
 * session settles and sends the sizes; this only watches.
 */

export type ReportView = (uid: string, size: { width: number; height: number }) => void;

interface Watched {
  uid: string;
  width: number;
  height: number;
  /** Until the first IntersectionObserver answer, a tile with a box counts as in view. */
  inView: boolean;
}

export class TileVisibility {
  readonly #watched = new Map<Element, Watched>();
  readonly #resize: ResizeObserver | undefined;
  readonly #intersect: IntersectionObserver | undefined;
  readonly #report: ReportView;

  constructor(report: ReportView) {
    this.#report = report;
    // Without these observers (an old browser) nothing is reported: every video comes at the full picture.
    if (typeof ResizeObserver === 'function') {
      this.#resize = new ResizeObserver((entries) => {
        for (const entry of entries) {
          const w = this.#watched.get(entry.target);
          if (!w) continue;
          w.width = entry.contentRect.width;
          w.height = entry.contentRect.height;
          this.#send(w);
        }
      });
    }
    if (typeof IntersectionObserver === 'function') {
      this.#intersect = new IntersectionObserver((entries) => {
        for (const entry of entries) {
          const w = this.#watched.get(entry.target);
          if (!w) continue;
          w.inView = entry.isIntersecting;
          this.#send(w);
        }
      });
    }
  }

  /** Watches `uid`'s video element (their tile's). */
  observe(uid: string, video: HTMLElement): void {
    if (this.#watched.has(video)) return;
    this.#watched.set(video, { uid, width: 0, height: 0, inView: true });
    this.#resize?.observe(video);
    this.#intersect?.observe(video);
  }

  unobserve(video: HTMLElement): void {
    this.#watched.delete(video);
    this.#resize?.unobserve(video);
    this.#intersect?.unobserve(video);
  }

  disconnect(): void {
    this.#watched.clear();
    this.#resize?.disconnect();
    this.#intersect?.disconnect();
  }

  #send(w: Watched): void {
    const shown = w.inView && w.width > 0 && w.height > 0;
    this.#report(w.uid, shown ? { width: w.width, height: w.height } : { width: 0, height: 0 });
  }
}
