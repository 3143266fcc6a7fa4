/**
 * Dragging the floating tile with pointer events (mouse, touch, pen), kept
 * inside its container; arrow keys move it too when it has focus.
 */
const KEY_STEP = 24; // px per arrow key press

export function makeDraggable(el: HTMLElement, container: () => HTMLElement): () => void {
  let start: { x: number; y: number; left: number; top: number; id: number } | undefined;
  let moved = false;

  const moveTo = (left: number, top: number): void => {
    const box = container().getBoundingClientRect();
    const maxLeft = Math.max(0, box.width - el.offsetWidth);
    const maxTop = Math.max(0, box.height - el.offsetHeight);
    el.style.left = `${Math.min(Math.max(0, left), maxLeft)}px`;
    el.style.top = `${Math.min(Math.max(0, top), maxTop)}px`;
    el.style.right = 'auto';
    el.style.bottom = 'auto';
    el.dataset.moved = 'true';
  };

  const down = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    const box = container().getBoundingClientRect();
    const mine = el.getBoundingClientRect();
    start = { x: e.clientX, y: e.clientY, left: mine.left - box.left, top: mine.top - box.top, id: e.pointerId };
    moved = false;
    el.setPointerCapture?.(e.pointerId);
    el.dataset.dragging = 'true';
  };
  const move = (e: PointerEvent): void => {
    if (!start || e.pointerId !== start.id) return;
    const dx = e.clientX - start.x;
    const dy = e.clientY - start.y;
    if (!moved && Math.hypot(dx, dy) < 4) return;
    moved = true;
    moveTo(start.left + dx, start.top + dy);
  };
  const up = (e: PointerEvent): void => {
    if (!start || e.pointerId !== start.id) return;
    start = undefined;
    delete el.dataset.dragging;
  };
  // A drag is not a click: swallow the click that ends one.
  const click = (e: MouseEvent): void => {
    if (moved) {
      e.stopImmediatePropagation();
      e.preventDefault();
      moved = false;
    }
  };
  const key = (e: KeyboardEvent): void => {
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (!d) return;
    e.preventDefault();
    const box = container().getBoundingClientRect();
    const mine = el.getBoundingClientRect();
    moveTo(mine.left - box.left + d[0]! * KEY_STEP, mine.top - box.top + d[1]! * KEY_STEP);
  };

  el.dataset.draggable = 'true';
  const listening = new AbortController();
  const on = { signal: listening.signal };
  el.addEventListener('pointerdown', down, on);
  el.addEventListener('pointermove', move, on);
  el.addEventListener('pointerup', up, on);
  el.addEventListener('pointercancel', up, on);
  el.addEventListener('click', click, { ...on, capture: true });
  el.addEventListener('keydown', key, on);
  return () => {
    el.dataset.draggable = 'false';
    listening.abort();
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
