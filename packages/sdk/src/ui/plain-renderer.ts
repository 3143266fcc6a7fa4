/**
 * The plain layout: one <video autoplay playsinline> per participant in the
 * host element (data-uid; the local one muted and data-local="true"). Remote
 * audio plays through the same element. The full default UI is a separate
 * module built on the public API.
 */
export class PlainRenderer {
  readonly #container: HTMLElement;
  readonly #tiles = new Map<string, HTMLVideoElement>();
  #localUid: string | undefined;

  constructor(
    host: HTMLElement,
    private readonly onElementAdded: (element: HTMLMediaElement) => void,
  ) {
    const doc = host.ownerDocument;
    this.#container = doc.createElement('div');
    this.#container.dataset.parley = 'plain';
    this.#container.style.cssText = 'display:flex;flex-wrap:wrap;gap:4px;width:100%;height:100%;';
    host.appendChild(this.#container);
  }

  /** Shows (or updates, or with null removes) a participant's stream. */
  show(uid: string, stream: MediaStream | null, local = false): void {
    if (!stream) {
      this.remove(uid);
      return;
    }
    if (local) this.#localUid = uid;
    let video = this.#tiles.get(uid);
    if (!video) {
      video = this.#container.ownerDocument.createElement('video');
      video.autoplay = true;
      video.playsInline = true;
      video.setAttribute('playsinline', '');
      video.dataset.uid = uid;
      video.style.cssText = 'flex:1 1 320px;max-width:100%;min-width:160px;background:#000;object-fit:cover;';
      if (local) {
        video.muted = true; // never play our own microphone back
        video.dataset.local = 'true';
        video.style.transform = 'scaleX(-1)';
        this.#container.prepend(video);
      } else {
        this.#container.appendChild(video);
        this.onElementAdded(video);
      }
      this.#tiles.set(uid, video);
    }
    // Re-assigning makes the element pick up tracks that were added to the same stream.
    video.srcObject = stream;
    video.play().catch(() => undefined); // autoplay rules may block until a user gesture
  }

  remove(uid: string): void {
    const video = this.#tiles.get(uid);
    if (!video) return;
    this.#tiles.delete(uid);
    video.srcObject = null;
    video.remove();
  }

  /** Elements that play remote audio (for setSinkId). */
  remoteElements(): HTMLMediaElement[] {
    return [...this.#tiles].filter(([uid]) => uid !== this.#localUid).map(([, el]) => el);
  }

  /** Removes everything it rendered; idempotent. */
  /** Video picture-in-picture of the first remote video; undefined when there is none. */
  enterPictureInPicture(): Promise<unknown> | undefined {
    const video = this.remoteElements()[0] as HTMLVideoElement | undefined;
    return video?.requestPictureInPicture?.();
  }

  clear(): void {
    for (const uid of [...this.#tiles.keys()]) this.remove(uid);
    this.#container.remove();
  }
}
