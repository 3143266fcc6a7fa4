/**
 * Dragging the floating tile with pointer events (mouse, touch, pen), kept
 * inside its container; arrow keys move it too when it has focus. A chunk of
 * its own, loaded on the first press or arrow key on the tile
 * (float-drag.ts), which hands over the events that came while it loaded.
 */
const KEY_STEP = 24; // px per arrow key press

/**
 * Makes `el` draggable inside `container()`, first running `pending` (the press, moves, release or
 * arrow keys that came before; a pending press has its pointer captured already). Returns its undo.
 */
export function makeDraggable(el: HTMLElement, container: () => HTMLElement, pending: readonly Event[] = []): () => void {
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

  /** A press starts a drag; `capture`: take the pointer (a pending press had it taken when it came). */
  const press = (e: PointerEvent, capture: boolean): void => {
    if (e.button !== 0) return;
    const box = container().getBoundingClientRect();
    const mine = el.getBoundingClientRect();
    start = { x: e.clientX, y: e.clientY, left: mine.left - box.left, top: mine.top - box.top, id: e.pointerId };
    moved = false;
    if (capture) el.setPointerCapture?.(e.pointerId);
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
  const handlers: Record<string, (e: never) => void> = {
    pointerdown: (e: PointerEvent) => press(e, true),
    pointermove: move,
    pointerup: up,
    pointercancel: up,
    keydown: key,
  };

  el.dataset.draggable = 'true';
  const listening = new AbortController();
  const on = { signal: listening.signal };
  for (const [type, handler] of Object.entries(handlers)) el.addEventListener(type, handler as EventListener, on);
  el.addEventListener('click', click, { ...on, capture: true });
  for (const e of pending) {
    if (e.type === 'pointerdown') press(e as PointerEvent, false);
    else handlers[e.type]?.(e as never);
  }
  return () => {
    el.dataset.draggable = 'false';
    listening.abort();
  };
}
