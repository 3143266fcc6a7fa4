/**
 * The plain layout (`setDefaultLayout(false)` with a host element): one
 * <video autoplay playsinline> per participant (data-uid; the local one muted
 * and data-local="true"). Remote audio plays through the same element. Like
 * the default UI, it knows the session only through its public API.
 */
import type { CallSession } from '../session/call-session.ts';
import type { SessionView } from '../session/session-view.ts';

/** What the plain layout uses of the session. */
export type PlainSession = Pick<CallSession, 'on' | 'off' | 'getLocalUser' | 'getLocalStream' | 'attachOutputElement' | 'detachOutputElement'>;

export class PlainRenderer implements SessionView {
  readonly #container: HTMLElement;
  readonly #tiles = new Map<string, HTMLVideoElement>();
  readonly #unsubscribe: Array<() => void> = [];
  #localUid: string | undefined;

  constructor(
    host: HTMLElement,
    private readonly session: PlainSession,
  ) {
    const doc = host.ownerDocument;
    this.#container = doc.createElement('div');
    this.#container.dataset.parley = 'plain';
    this.#container.style.cssText = 'display:flex;flex-wrap:wrap;gap:4px;width:100%;height:100%;';
    host.appendChild(this.#container);
    this.#listen();
  }

  #listen(): void {
    const showLocal = (): void => {
      const self = this.session.getLocalUser();
      const stream = this.session.getLocalStream();
      if (self && stream) this.#show(self.uid, stream, true);
    };
    const onState = (state: string): void => {
      // Who we are is known once joined; after a resume the tile is there already.
      if (state === 'joined' && !this.#localUid) showLocal();
    };
    const onRemote = (uid: string, stream: MediaStream | null): void => this.#show(uid, stream, false);
    const onLeft = (user: { uid: string }): void => this.#remove(user.uid);
    this.session.on('stateChanged', onState);
    this.session.on('localStreamChanged', showLocal);
    this.session.on('remoteStreamChanged', onRemote);
    this.session.on('onUserLeft', onLeft);
    this.#unsubscribe.push(
      () => this.session.off('stateChanged', onState),
      () => this.session.off('localStreamChanged', showLocal),
      () => this.session.off('remoteStreamChanged', onRemote),
      () => this.session.off('onUserLeft', onLeft),
    );
  }

  /** Shows (or updates, or with null removes) a participant's stream. */
  #show(uid: string, stream: MediaStream | null, local: boolean): void {
    if (!stream) {
      this.#remove(uid);
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
        this.session.attachOutputElement(video);
      }
      this.#tiles.set(uid, video);
    }
    // Re-assigning makes the element pick up tracks that were added to the same stream.
    video.srcObject = stream;
    video.play().catch(() => undefined); // autoplay rules may block until a user gesture
  }

  #remove(uid: string): void {
    const video = this.#tiles.get(uid);
    if (!video) return;
    this.#tiles.delete(uid);
    if (uid !== this.#localUid) this.session.detachOutputElement(video);
    video.srcObject = null;
    video.remove();
  }

  /** Video picture-in-picture of the first remote video; undefined when there is none. */
  enterPIPMode(): Promise<unknown> | undefined {
    const remote = [...this.#tiles].find(([uid]) => uid !== this.#localUid)?.[1];
    return remote?.requestPictureInPicture?.();
  }

  exitPIPMode(): Promise<void> {
    const doc = this.#container.ownerDocument;
    return doc.pictureInPictureElement ? doc.exitPictureInPicture() : Promise.resolve();
  }

  /** Removes everything it rendered; idempotent. */
  destroy(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const uid of [...this.#tiles.keys()]) this.#remove(uid);
    this.#container.remove();
  }
}
