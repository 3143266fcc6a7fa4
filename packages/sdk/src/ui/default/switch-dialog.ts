/**
 * The request to switch an audio call to video (onCallSwitchToVideoRequested):
 * a modal dialog, like the idle warning, naming who asks, with "Decline" and
 * "Accept". It closes on an answer, or when someone else answered first.
 */
import { DIALOG_CSS } from './dialog-style.ts';
import { h } from './dom.ts';

export class SwitchDialog {
  readonly el: HTMLDivElement;
  readonly #text: HTMLParagraphElement;
  readonly #accept: HTMLButtonElement;

  constructor(onAccept: () => void, onDecline: () => void) {
    this.#text = h('p', { id: 'pl-switch-text', 'aria-live': 'polite' });
    this.#accept = h('button', { type: 'button', class: 'primary', 'data-control': 'switch-accept', 'aria-label': 'Accept: turn on video' }, 'Accept');
    const decline = h('button', { type: 'button', class: 'danger', 'data-control': 'switch-decline', 'aria-label': 'Decline: stay audio only' }, 'Decline');
    this.#accept.onclick = () => {
      this.hide();
      onAccept();
    };
    decline.onclick = () => {
      this.hide();
      onDecline();
    };
    this.el = h(
      'div',
      { class: 'scrim', hidden: true, part: 'switch-request', 'data-switch-request': '' },
      h('style', {}, DIALOG_CSS),
      h(
        'div',
        { class: 'dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'pl-switch-title', 'aria-describedby': 'pl-switch-text' },
        h('h2', { id: 'pl-switch-title' }, 'Switch to video?'),
        this.#text,
        h('div', { class: 'actions' }, decline, this.#accept),
      ),
    );
    this.el.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') decline.click();
    });
  }

  /** Shows the request of `name` (uid `initiator`). */
  show(initiator: string, name: string): void {
    this.el.dataset.initiator = initiator;
    this.#text.textContent = `${name} asks to turn this into a video call. Your camera turns on if you accept.`;
    this.el.hidden = false;
    this.#accept.focus();
  }

  hide(): void {
    this.el.hidden = true;
  }
}
