/**
 * Picture-in-picture: with Document Picture-in-Picture the whole call UI moves
 * into the PiP window (and back when it closes); elsewhere the spotlight
 * tile's <video> goes into video PiP. A chunk of its own, loaded when PiP is
 * first asked for (on-demand.ts); whether the browser has PiP is in dom.ts.
 */
import { documentPiP } from './dom.ts';

/**
 * Whether `video` is the one in video picture-in-picture. Asked of the video's own root: the
 * document retargets its pictureInPictureElement to the shadow host the UI lives in.
 */
function inVideoPiP(video: HTMLVideoElement): boolean {
  const root = video.getRootNode() as Document | ShadowRoot;
  return root.pictureInPictureElement === video;
}

export class PictureInPicture {
  /** The UI's root element and stylesheet, moved together. */
  readonly #root: HTMLElement;
  readonly #style: HTMLStyleElement;
  /** Where the root lives when not in PiP. */
  readonly #home: ShadowRoot;
  readonly #spotlightVideo: () => HTMLVideoElement | undefined;
  readonly #onChange: (active: boolean) => void;
  #win: Window | undefined;
  #video: HTMLVideoElement | undefined;

  constructor(
    root: HTMLElement,
    style: HTMLStyleElement,
    home: ShadowRoot,
    spotlightVideo: () => HTMLVideoElement | undefined,
    onChange: (active: boolean) => void,
  ) {
    this.#root = root;
    this.#style = style;
    this.#home = home;
    this.#spotlightVideo = spotlightVideo;
    this.#onChange = onChange;
  }

  get active(): boolean {
    return this.#win !== undefined || (this.#video !== undefined && inVideoPiP(this.#video));
  }

  async enter(): Promise<void> {
    if (this.active) return;
    const dpip = documentPiP();
    if (dpip) {
      const box = this.#root.getBoundingClientRect();
      const win = await dpip.requestWindow({ width: Math.round(Math.min(480, box.width || 480)), height: Math.round(Math.min(360, box.height || 360)) });
      const host = win.document.createElement('div');
      host.style.cssText = 'position:fixed;inset:0';
      win.document.body.style.margin = '0';
      win.document.body.append(host);
      const shadow = host.attachShadow({ mode: 'open' });
      shadow.append(this.#style.cloneNode(true), this.#root);
      this.#win = win;
      this.#replay();
      win.addEventListener('pagehide', () => this.#returnHome(), { once: true });
      this.#onChange(true);
      return;
    }
    const video = this.#spotlightVideo();
    if (!video || !document.pictureInPictureEnabled) throw new Error('Picture-in-picture is not available in this browser');
    await video.requestPictureInPicture();
    this.#video = video;
    video.addEventListener('leavepictureinpicture', () => this.#leftVideo(video), { once: true });
    this.#onChange(true);
  }

  async exit(): Promise<void> {
    if (this.#win) {
      const win = this.#win;
      this.#returnHome();
      win.close();
      return;
    }
    if (this.#video && inVideoPiP(this.#video)) await document.exitPictureInPicture();
  }

  #returnHome(): void {
    if (!this.#win) return;
    this.#win = undefined;
    this.#home.append(this.#root);
    this.#replay();
    this.#onChange(false);
  }

  #leftVideo(video: HTMLVideoElement): void {
    if (this.#video !== video) return;
    this.#video = undefined;
    this.#onChange(false);
  }

  /** Media elements pause when moved between documents: start them again. */
  #replay(): void {
    for (const v of this.#root.querySelectorAll('video')) if (v.srcObject && v.paused) v.play().catch(() => undefined);
  }
}
