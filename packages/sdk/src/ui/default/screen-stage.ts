/**
 * A screen share on the default UI's main stage: someone else's screen large
 * (their `screen` publication), or, when we share, "You are sharing your
 * screen" with a stop button instead of our own screen (a picture of itself
 * would recurse). Meanwhile everyone's tile goes to the strip (layout.ts). One
 * share at a time: the server stops the older share when a newer one starts.
 * A chunk of its own, loaded when a first share starts (on-demand.ts); its
 * rules come with it, in a <style> inside it.
 */
import { h } from './dom.ts';

const SCREEN_CSS = /* css */ `
.stage>.screen{flex:1 1 100%;height:100%}
.screen video{object-fit:contain}
.sharing{position:absolute;inset:0;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:14px;padding:16px;text-align:center}
.sharing p{all:initial;font:inherit;font-size:16px;color:inherit}
.sharing button{padding:10px 18px;border-radius:10px;font-weight:600}
.btn[data-control=screen-share][aria-pressed=true]{background:#3b82f6;color:#fff}
`;

export class ScreenStage {
  readonly el: HTMLDivElement;
  readonly video: HTMLVideoElement;
  readonly #label: HTMLSpanElement;
  readonly #notice: HTMLDivElement;

  constructor(stop: () => void) {
    // Not muted: a shared tab's audio plays from it (routed by setAudioMode like every tile's).
    this.video = h('video', { autoplay: true, playsinline: true, part: 'screen-video' });
    this.#label = h('span', { class: 'label' });
    const button = h('button', { type: 'button', class: 'danger', 'data-control': 'stop-screen-share' }, 'Stop sharing');
    button.onclick = stop;
    this.#notice = h('div', { class: 'sharing', 'data-sharing-notice': '', role: 'status' }, h('p', {}, 'You are sharing your screen'), button);
    this.el = h('div', { class: 'tile screen', part: 'screen-share', 'data-screen-share': '', role: 'region', 'aria-label': 'Shared screen' }, h('style', {}, SCREEN_CSS), this.video, this.#notice, h('div', { class: 'name' }, this.#label));
  }

  /** `name`'s share of `uid` takes the stage; `local`: it is ours (the notice, not the picture). */
  show(uid: string, name: string, local: boolean): void {
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
    delete this.el.dataset.uid;
    this.setStream(null);
  }
}
