/**
 * The control bar's audio-route menu: one item per output device the session
 * lists, each with the seed's mode, the current mode checked; arrow keys
 * move, Escape closes.
 * A chunk of its own, loaded when the menu is first opened (on-demand.ts); its
 * rules come with it, in a <style> inside it.
 */
import type { AudioMode } from '../../api/events.ts';
import type { AudioOutputDevice } from '../../media/devices.ts';
import { h } from './dom.ts';

const MENU_CSS = /* css */ `
.menu{position:absolute;bottom:calc(100% - 4px);left:50%;transform:translateX(-50%);min-width:220px;max-width:calc(100cqw - 16px);
 padding:6px;border-radius:12px;background:#222732;box-shadow:0 8px 28px rgb(0 0 0/55%);z-index:5;display:flex;flex-direction:column}
.menu button{display:flex;gap:8px;align-items:center;padding:10px 12px;border-radius:8px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.menu button:hover,.menu button:focus-visible{background:#343b49;outline:none}
.menu button::before{content:"";width:8px;height:8px;border-radius:50%;flex:none}
.menu button[aria-checked=true]::before{background:#4ade80}
.menu small{opacity:.65}
`;

const MODE_NAMES: Record<AudioMode, string> = { SPEAKER: 'Speaker', EARPIECE: 'Earpiece', BLUETOOTH: 'Bluetooth', HEADPHONES: 'Headphones' };

export class AudioMenu {
  readonly el: HTMLDivElement = h('div', { class: 'menu', role: 'menu', id: 'pl-audio-menu', 'aria-label': 'Audio output', hidden: true, part: 'audio-menu' });
  readonly #style = h('style', {}, MENU_CSS);
  /** The button that opens the menu: it says whether the menu is open, and gets the focus back. */
  readonly #button: HTMLButtonElement | undefined;
  readonly #pick: (mode: AudioMode) => void;

  constructor(button: HTMLButtonElement | undefined, pick: (mode: AudioMode) => void) {
    this.#button = button;
    this.#pick = pick;
    this.el.addEventListener('keydown', (e) => this.#key(e));
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  /** Opens the menu on `outputs`, the one of mode `current` checked, the focus on it. */
  show(outputs: AudioOutputDevice[], current: AudioMode | undefined): void {
    const items = outputs.map((o) => {
      const label = o.label && o.label !== MODE_NAMES[o.mode] ? o.label : '';
      const item = h(
        'button',
        { type: 'button', role: 'menuitemradio', 'data-audio-mode': o.mode, 'data-device-id': o.deviceId, 'aria-checked': String(o.mode === current) },
        MODE_NAMES[o.mode],
        ...(label ? [h('small', {}, label)] : []),
      );
      item.setAttribute('aria-label', label ? `${MODE_NAMES[o.mode]}: ${label}` : MODE_NAMES[o.mode]);
      item.onclick = () => {
        this.hide(true);
        this.#pick(o.mode);
      };
      return item;
    });
    this.el.replaceChildren(this.#style, ...items);
    this.el.hidden = false;
    this.#button?.setAttribute('aria-expanded', 'true');
    ((this.el.querySelector('[aria-checked=true]') ?? items[0]) as HTMLElement | undefined)?.focus();
  }

  /** Closes the menu; `refocus`: the focus goes back to its button. */
  hide(refocus = false): void {
    if (this.el.hidden) return;
    this.el.hidden = true;
    this.#button?.setAttribute('aria-expanded', 'false');
    if (refocus) this.#button?.focus();
  }

  #key(e: KeyboardEvent): void {
    const items = [...this.el.querySelectorAll('button')];
    const at = items.indexOf(this.el.ownerDocument.activeElement === this.el ? items[0]! : (e.target as HTMLButtonElement));
    if (e.key === 'Escape') this.hide(true);
    else if (e.key === 'ArrowDown') items[(at + 1) % items.length]?.focus();
    else if (e.key === 'ArrowUp') items[(at - 1 + items.length) % items.length]?.focus();
    else return;
    e.preventDefault();
  }
}
