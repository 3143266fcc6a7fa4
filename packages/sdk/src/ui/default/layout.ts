/** Pure layout decisions of the default UI (no DOM), so they are easy to test. */
import type { DisplayMode } from '../../api/call-settings.ts';

/**
 * Columns and rows for `count` tiles in a w×h box that make each tile largest,
 * for 4:3 tiles (between phone-portrait and 16:9 cameras: side by side on a
 * landscape screen, stacked on a portrait phone).
 */
export function gridShape(count: number, width: number, height: number, gap = 8): { cols: number; rows: number } {
  if (count <= 1) return { cols: 1, rows: 1 };
  let best = { cols: 1, rows: count, size: 0 };
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const w = (width - gap * (cols - 1)) / cols;
    const h = (height - gap * (rows - 1)) / rows;
    const size = Math.min(w, (h * 4) / 3); // the width a 4:3 tile can have
    if (size > best.size + 0.5) best = { cols, rows, size };
  }
  return { cols: best.cols, rows: best.rows };
}

export interface Placement {
  /** Tiles in the main area, in order (the grid, or the one spotlight/single tile). */
  stage: string[];
  /** Tiles in the strip under the spotlight. */
  strip: string[];
  /** The floating local tile, if any. */
  float: string | undefined;
}

/**
 * Where each participant goes. `uids` is in display order with the local one
 * first; `focus` is the pinned tile, else the active speaker.
 */
export function place(mode: DisplayMode, uids: string[], localUid: string | undefined, focus: string | undefined): Placement {
  if (mode === 'default') return { stage: [...uids], strip: [], float: undefined };
  const remotes = uids.filter((u) => u !== localUid);
  const main = focus && uids.includes(focus) ? focus : (remotes[0] ?? localUid ?? uids[0]);
  if (main === undefined) return { stage: [], strip: [], float: undefined };
  if (mode === 'single') return { stage: [main], strip: [], float: undefined };
  const float = localUid !== undefined && main !== localUid && uids.includes(localUid) ? localUid : undefined;
  return { stage: [main], strip: remotes.filter((u) => u !== main), float };
}

/** Everyone in the strip while a screen share holds the stage (the share itself is not a participant's tile). */
export function placeBesideShare(uids: readonly string[]): Placement {
  return { stage: [], strip: [...uids], float: undefined };
}

export const MODES: readonly DisplayMode[] = ['default', 'spotlight', 'single'];
export const MODE_LABELS: Record<DisplayMode, string> = { default: 'grid', spotlight: 'spotlight', single: 'single' };
