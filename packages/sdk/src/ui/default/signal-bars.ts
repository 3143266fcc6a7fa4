/**
 * A participant's network quality (onNetworkQualityChanged, 0 lost … 5
 * excellent) as five signal bars on their tile: as many lit as the score,
 * green when good, amber when fair, red when poor; all dim and red when no
 * media flows. Nothing shows until a first score arrives.
 */
import { h } from './dom.ts';

const WORDS = ['lost', 'bad', 'poor', 'fair', 'good', 'excellent'] as const;
const COLOUR = ['#f87171', '#f87171', '#f87171', '#fbbf24', '#4ade80', '#4ade80'] as const;

/** The bars' rules, added to the UI's stylesheet (styles.ts). */
export const SIGNAL_BARS_CSS = [
  '.bars{display:inline-flex;align-items:flex-end;gap:1px;height:12px;margin-left:4px;flex:none}',
  '.bars:not([data-quality]){display:none}',
  '.bars i{display:block;width:3px;border-radius:1px;background:rgb(255 255 255 / 28%)}',
  ...[1, 2, 3, 4, 5].map((n) => `.bars i:nth-child(${n}){height:${n * 20}%}`),
  ...[1, 2, 3, 4, 5].map((q) => `.bars[data-quality="${q}"] i:nth-child(-n+${q}){background:${COLOUR[q]}}`),
  `.bars[data-quality="0"] i{background:${COLOUR[0]};opacity:.4}`,
].join('\n');

export class SignalBars {
  readonly el: HTMLSpanElement = h('span', { class: 'bars', part: 'network-quality', role: 'img' }, ...[1, 2, 3, 4, 5].map(() => h('i')));

  /** Shows a score (0–5); undefined: none known yet. */
  set(quality: number | undefined): void {
    if (quality === undefined || !(quality in WORDS)) {
      delete this.el.dataset.quality;
      this.el.removeAttribute('aria-label');
      this.el.removeAttribute('title');
      return;
    }
    const label = `Network quality: ${WORDS[quality as 0]} (${quality} of 5)`;
    this.el.dataset.quality = String(quality);
    this.el.setAttribute('aria-label', label);
    this.el.title = label;
  }
}
