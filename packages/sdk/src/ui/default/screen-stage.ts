/**
 * A screen share on the default UI's main stage: someone else's screen large
 * (their `screen` publication), or, when we share, "You are sharing your
 * screen" with a stop button instead of our own screen (a picture of itself
 * would recurse). Meanwhile everyone's tile goes to the strip. One share at a
 * time: the server stops the older share when a newer one starts.
 */
import { h } from './dom.ts';
import type { Placement } from './layout.ts';

/** Everyone in the strip while a share holds the stage (the share itself is not a participant's tile). */
export function placeBesideShare(uids: readonly string[]): Placement {
  return { stage: [], strip: [...uids], float: undefined };
}

export class ScreenStage {
  readonly el: HTMLDivElement;
  readonly video: HTMLVideoElement;
  readonly #label: HTMLSpanElement;
  readonly #notice: HTMLDivElement;
  /** Whose share is shown, or undefined. */
  #uid: string | undefined;

  constructor(stop: () => void) {
    // Not muted: a shared tab's audio plays from it (routed by setAudioMode like every tile's).
    this.video = h('video', { autoplay: true, playsinline: true, part: 'screen-video' });
    this.#label = h('span', { class: 'label' });
    const button = h('button', { type: 'button', class: 'danger', 'data-control': 'stop-screen-share' }, 'Stop sharing');
    button.onclick = stop;
    this.#notice = h('div', { class: 'sharing', 'data-sharing-notice': '', role: 'status' }, h('p', {}, 'You are sharing your screen'), button);
    this.el = h('div', { class: 'tile screen', part: 'screen-share', 'data-screen-share': '', role: 'region', 'aria-label': 'Shared screen' }, this.video, this.#notice, h('div', { class: 'name' }, this.#label));
  }

  get uid(): string | undefined {
    return this.#uid;
  }

  /** `name`'s share of `uid` takes the stage; `local`: it is ours (the notice, not the picture). */
  show(uid: string, name: string, local: boolean): void {
    this.#uid = uid;
    this.el.dataset.uid = uid;
    this.el.dataset.local = String(local);
    this.#label.textContent = local ? 'Your screen' : `${name}'s screen`;
    this.#notice.hidden = !local;
    this.video.hidden = local;
  }

  /** The shared screen's stream (someone else's), or null while it is not there yet. */
  setStream(stream: MediaStream | null): void {
    if (this.video.srcObject === stream) return;
    this.video.srcObject = stream;
    if (stream) this.video.play().catch(() => undefined);
  }

  hide(): void {
    this.#uid = undefined;
    delete this.el.dataset.uid;
    this.setStream(null);
  }
}
