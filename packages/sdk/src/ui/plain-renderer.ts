/**
 * The plain layout (`setDefaultLayout(false)` with a host element): one
 * <video autoplay playsinline> per participant (data-uid; the local one muted
 * and data-local="true"), and one per screen share (data-uid of the sharer,
 * data-source="screen"). Remote audio plays through the same elements. Like
 * the default UI, it knows the session only through its public API.
 */
import type { CallEvents } from '../api/events.ts';
import type { CallSession } from '../session/call-session.ts';
import type { SessionView } from '../session/session-view.ts';

/** What the plain layout uses of the session. */
export type PlainSession = Pick<CallSession, 'on' | 'off' | 'getLocalUser' | 'getLocalStream' | 'attachOutputElement' | 'detachOutputElement'>;

export class PlainRenderer implements SessionView {
  readonly #container: HTMLElement;
  /** By `<source> <uid>` (a uid has no space): each participant's camera and microphone, and each screen share. */
  readonly #tiles = new Map<string, HTMLVideoElement>();
  readonly #unsubscribe: Array<() => void> = [];
  readonly #session: PlainSession;
  #localUid: string | undefined;

  constructor(host: HTMLElement, session: PlainSession) {
    this.#session = session;
    const doc = host.ownerDocument;
    this.#container = doc.createElement('div');
    this.#container.dataset.parley = 'plain';
    this.#container.style.cssText = 'display:flex;flex-wrap:wrap;gap:4px;width:100%;height:100%;';
    host.appendChild(this.#container);
    this.#listen();
  }

  #listen(): void {
    const on = <E extends keyof CallEvents>(event: E, listener: CallEvents[E]): void => {
      this.#session.on(event, listener);
      this.#unsubscribe.push(() => this.#session.off(event, listener));
    };
    const showLocal = (): void => {
      const self = this.#session.getLocalUser();
      const stream = this.#session.getLocalStream();
      if (self && stream) this.#show(self.uid, stream, true);
    };
    // Who we are is known once joined; after a resume the tile is there already.
    on('stateChanged', (state) => {
      if (state === 'joined' && !this.#localUid) showLocal();
    });
    on('localStreamChanged', showLocal);
    on('remoteStreamChanged', (uid, stream) => this.#show(uid, stream, false));
    on('onUserLeft', (user) => this.#remove(user.uid));
    // Someone's screen share: a video of its own (the participant's stream is their camera and microphone).
    on('onRemoteStream', (info) => {
      if (info.source === 'screen') this.#show(info.uid, info.stream, false, 'screen');
    });
    on('onRemoteStreamRemoved', (info) => {
      if (info.source === 'screen') this.#remove(info.uid, 'screen');
    });
  }

  /** Shows (or updates, or with null removes) a participant's stream, or their screen share's. */
  #show(uid: string, stream: MediaStream | null, local: boolean, source: 'camera' | 'screen' = 'camera'): void {
    if (!stream) {
      this.#remove(uid, source);
      return;
    }
    if (local) this.#localUid = uid;
    let video = this.#tiles.get(`${source} ${uid}`);
    if (!video) {
      video = this.#container.ownerDocument.createElement('video');
      video.autoplay = true;
      video.playsInline = true;
      video.setAttribute('playsinline', '');
      video.dataset.uid = uid;
      if (source === 'screen') video.dataset.source = 'screen';
      video.style.cssText = 'flex:1 1 320px;max-width:100%;min-width:160px;background:#000;object-fit:cover;';
      if (local) {
        video.muted = true; // never play our own microphone back
        video.dataset.local = 'true';
        video.style.transform = 'scaleX(-1)';
        this.#container.prepend(video);
      } else {
        this.#container.appendChild(video);
        this.#session.attachOutputElement(video);
      }
      this.#tiles.set(`${source} ${uid}`, video);
    }
    // Re-assigning makes the element pick up tracks that were added to the same stream.
    video.srcObject = stream;
    video.play().catch(() => undefined); // autoplay rules may block until a user gesture
  }

  #remove(uid: string, source: 'camera' | 'screen' = 'camera'): void {
    const key = `${source} ${uid}`;
    const video = this.#tiles.get(key);
    if (!video) return;
    this.#tiles.delete(key);
    if (video.dataset.local !== 'true') this.#session.detachOutputElement(video);
    video.srcObject = null;
    video.remove();
  }

  /** Video picture-in-picture of the first remote video; undefined when there is none. */
  enterPIPMode(): Promise<unknown> | undefined {
    const remote = [...this.#tiles.values()].find((video) => video.dataset.local !== 'true');
    return remote?.requestPictureInPicture?.();
  }

  exitPIPMode(): Promise<void> {
    const doc = this.#container.ownerDocument;
    return doc.pictureInPictureElement ? doc.exitPictureInPicture() : Promise.resolve();
  }

  /** Removes everything it rendered; idempotent. */
  destroy(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    for (const video of [...this.#tiles.values()]) this.#remove(video.dataset.uid ?? '', video.dataset.source === 'screen' ? 'screen' : 'camera');
    this.#container.remove();
  }
}
