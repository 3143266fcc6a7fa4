/**
 * Which simulcast layer of one feed a subscriber gets, if any: a pure
 * decision from how large it shows the video, whether it is a one-to-one
 * call, and what its link carries now (link-adaptation.ts).
 */
import { DEFAULTS } from '../defaults.ts';

/** A simulcast layer: 0 the smallest (1/4), 1 the middle (1/2), 2 the full picture. */
export type Layer = 0 | 1 | 2;
export const TOP_LAYER: Layer = 2;

/** What one feed's video should do for one subscriber. */
export type VideoChoice = { send: false } | { send: true; layer: Layer };

export interface RenderedSize {
  width: number;
  height: number;
}

export interface LayerInput {
  /** How the subscriber shows this video, in device pixels; undefined: it never said (it gets the full picture). */
  view: RenderedSize | undefined;
  /** The subscriber receives video from one person only: they get the full picture whatever the tile. */
  oneToOne: boolean;
  /** The highest layer the subscriber's link carries now; null: not even the lowest (video paused). */
  linkCap: Layer | null;
}

/** The smallest layer at least as large as the view, in both directions (the top one for a larger view). */
export function layerForView(view: RenderedSize, sizes: readonly RenderedSize[] = DEFAULTS.simulcast.layerSizes): Layer {
  const fits = sizes.findIndex((s) => s.width >= view.width && s.height >= view.height);
  return (fits === -1 ? TOP_LAYER : Math.min(fits, TOP_LAYER)) as Layer;
}

export function chooseLayer({ view, oneToOne, linkCap }: LayerInput): VideoChoice {
  // Not shown: nothing to send, even in a one-to-one call.
  if (view && (view.width === 0 || view.height === 0)) return { send: false };
  if (linkCap === null) return { send: false };
  const wanted = oneToOne || !view ? TOP_LAYER : layerForView(view);
  return { send: true, layer: Math.min(wanted, linkCap) as Layer };
}

export function sameChoice(a: VideoChoice | undefined, b: VideoChoice): boolean {
  if (!a || a.send !== b.send) return false;
  return !a.send || !b.send || a.layer === b.layer;
}
