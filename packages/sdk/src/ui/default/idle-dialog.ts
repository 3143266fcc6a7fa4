/**
 * The idle warning: alone in the session for a while, the server warns that
 * the session ends in `secondsLeft`. A modal dialog counts down and offers
 * "Stay" and "Leave".
 */
import { DIALOG_CSS } from './dialog-style.ts';
import { h } from './dom.ts';

export class IdleDialog {
  readonly el: HTMLDivElement;
  readonly #text: HTMLParagraphElement;
  readonly #stay: HTMLButtonElement;
  #timer: ReturnType<typeof setInterval> | undefined;
  #left = 0;

  constructor(onStay: () => void, onLeave: () => void) {
    this.#text = h('p', { id: 'pl-idle-text', 'aria-live': 'polite' });
    this.#stay = h('button', { type: 'button', class: 'primary', 'data-control': 'idle-stay', 'aria-label': 'Stay in the call' }, 'Stay');
    const leave = h('button', { type: 'button', class: 'danger', 'data-control': 'idle-leave', 'aria-label': 'Leave the call' }, 'Leave');
    this.#stay.onclick = () => {
      this.hide();
      onStay();
    };
    leave.onclick = () => {
      this.hide();
      onLeave();
    };
    this.el = h(
      'div',
      { class: 'scrim', hidden: true, part: 'idle-warning', 'data-idle-warning': '' },
      h('style', {}, DIALOG_CSS),
      h(
        'div',
        { class: 'dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'pl-idle-title', 'aria-describedby': 'pl-idle-text' },
        h('h2', { id: 'pl-idle-title' }, 'Are you still there?'),
        this.#text,
        h('div', { class: 'actions' }, leave, this.#stay),
      ),
    );
    this.el.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.#stay.click();
    });
  }

  show(secondsLeft: number): void {
    this.#left = Math.max(0, Math.round(secondsLeft));
    this.#render();
    this.el.hidden = false;
    this.#stay.focus();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      this.#left = Math.max(0, this.#left - 1);
      this.#render();
      if (this.#left === 0) clearInterval(this.#timer);
    }, 1_000);
  }

  hide(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.el.hidden = true;
  }

  #render(): void {
    this.el.dataset.secondsLeft = String(this.#left);
    this.#text.textContent = `You are alone in this call. It ends in ${this.#left} s unless you stay.`;
  }
}
