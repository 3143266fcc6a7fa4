/**
 * The floating tile's dragging, loaded when first used: its code (drag.ts) is
 * a chunk of its own, imported on the first press or arrow key on the tile,
 * so a call where nobody moves the tile does not download it
 * (docs/benchmarks.md, "Bundle size"). What comes while it loads is held and
 * handed to it: the press (its pointer captured at once, so the moves still
 * reach the tile), the moves, the release, the arrow keys. A chunk that fails
 * to load is logged, and the tile stays where it is.
 */
const HELD = ['pointerdown', 'pointermove', 'pointerup', 'pointercancel', 'keydown'];

/** Makes `el` draggable inside `container()`; returns its undo. */
export function draggable(el: HTMLElement, container: () => HTMLElement): () => void {
  const held: Event[] = [];
  let undo: (() => void) | undefined;
  let undone = false;
  const stopHolding = (): void => {
    for (const type of HELD) el.removeEventListener(type, hold);
  };
  function hold(e: Event): void {
    const arrow = (e as KeyboardEvent).key?.startsWith('Arrow');
    // Moves and releases matter only after a press; an arrow moves the tile, not the page.
    if (e.type === 'pointerdown') el.setPointerCapture?.((e as PointerEvent).pointerId);
    else if (arrow) e.preventDefault();
    else if (!held.length) return;
    if (held.push(e) > 1) return;
    import('./drag.ts').then(
      ({ makeDraggable }) => {
        stopHolding();
        if (!undone) undo = makeDraggable(el, container, held);
      },
      (error) => {
        stopHolding();
        console.error('[parley] dragging the tile could not be loaded', error);
      },
    );
  }
  for (const type of HELD) el.addEventListener(type, hold);
  el.dataset.draggable = 'true';
  return () => {
    undone = true;
    stopHolding();
    undo?.();
    el.dataset.draggable = 'false';
  };
}

/** Keeps an already-moved element inside its container after a resize. */
export function clampInside(el: HTMLElement, container: HTMLElement): void {
  if (el.dataset.moved !== 'true') return;
  const box = container.getBoundingClientRect();
  const left = Math.min(el.offsetLeft, Math.max(0, box.width - el.offsetWidth));
  const top = Math.min(el.offsetTop, Math.max(0, box.height - el.offsetHeight));
  el.style.left = `${Math.max(0, left)}px`;
  el.style.top = `${Math.max(0, top)}px`;
}
