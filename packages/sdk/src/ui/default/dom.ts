/** Tiny DOM helpers for the default UI: elements, icon buttons, which picture-in-picture the browser has. */

type Attrs = Record<string, string | number | boolean | undefined>;

/** Makes an element with attributes (false/undefined skipped, true → "") and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...kids);
  return el;
}

/** Material-style 24×24 icon paths. */
export const ICONS = {
  mic: 'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z',
  cam: 'M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11l-4 4z',
  end: 'M12 9c-1.6 0-3.15.25-4.6.72v3.1c0 .39-.23.74-.56.9-.98.49-1.87 1.12-2.66 1.85-.18.18-.43.28-.7.28a1 1 0 0 1-.71-.29L.29 13.08a.96.96 0 0 1 0-1.36C3.34 8.78 7.46 7 12 7s8.66 1.78 11.71 4.72a1 1 0 0 1 0 1.42l-2.48 2.48a1 1 0 0 1-1.41-.01 11.3 11.3 0 0 0-2.67-1.85 1 1 0 0 1-.56-.9v-3.1A15 15 0 0 0 12 9z',
  flip: 'M20 5h-3.2L15 3H9L7.2 5H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm-5 11.5V14H9v2.5L5.5 13 9 9.5V12h6V9.5l3.5 3.5z',
  speaker: 'M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 7.97v8.05A4.5 4.5 0 0 0 16.5 12zM14 3.23v2.06a7 7 0 0 1 0 13.42v2.06A9 9 0 0 0 14 3.23z',
  rec: 'M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10zm0-5a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16z',
  pip: 'M19 11h-8v6h8v-6zm2-8H3a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h18a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm0 16H3V5h18v14z',
  grid: 'M3 3h8v8H3zm10 0h8v8h-8zM3 13h8v8H3zm10 0h8v8h-8z',
  spotlight: 'M3 3h18v12H3zm0 14h5v4H3zm6.5 0h5v4h-5zm6.5 0h5v4h-5z',
  single: 'M3 4h18v16H3z',
  next: 'M8.6 16.6 13.2 12 8.6 7.4 10 6l6 6-6 6z',
  screen: 'M20 18a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2H0v2h24v-2h-4zm-7-3.53v-2.19c-2.78 0-4.61.85-6 2.72.56-2.67 2.11-5.33 6-5.87V7l4 3.73-4 3.74z',
} as const;
export type IconName = keyof typeof ICONS;

/** An inline SVG icon; `off` adds the diagonal stroke of a muted/paused state. */
export function icon(name: IconName, off = false): string {
  const slash = off ? '<path d="M3 3l18 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>' : '';
  return `<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="${ICONS[name]}"/>${slash}</svg>`;
}

/** A real <button> with an icon and an accessible name. */
export function iconButton(control: string, label: string, iconName: IconName, extra: Attrs = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'btn', 'data-control': control, 'aria-label': label, title: label, part: `control control-${control}`, ...extra });
  b.innerHTML = icon(iconName);
  return b;
}

interface DocumentPiP {
  requestWindow(options?: { width?: number; height?: number }): Promise<Window>;
  readonly window: Window | null;
}

/** Document Picture-in-Picture, where the browser has it (Chromium). */
export function documentPiP(): DocumentPiP | undefined {
  return (globalThis as { documentPictureInPicture?: DocumentPiP }).documentPictureInPicture;
}

/** True when some form of picture-in-picture exists in this browser (pip.ts, loaded when it is first asked for). */
export function pipSupported(): boolean {
  return documentPiP() !== undefined || (typeof document !== 'undefined' && document.pictureInPictureEnabled === true);
}
