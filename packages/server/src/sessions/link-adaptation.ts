/**
 * What one subscriber's link carries, from the media server's view of it: its
 * slow-link reports, and its periodic stats of what reached the subscriber.
 * Each report of trouble steps down a layer, down to none (video from everyone
 * paused, audio untouched); a quiet while steps back up, and a paused link is
 * probed again with the lowest layer. The states and their transitions are
 * written once, in LINK_TRANSITIONS; the class only feeds it events and keeps
 * the timers. Whether trouble is the subscriber's own (and not a sender's)
 * is decided before it gets here (subscriber-video.ts).
 */
import { TypedEmitter } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';
import type { Layer } from './layer-selection.ts';

/**
 * `full`: no limit. `reduced` / `lowest`: the middle / smallest layer at most.
 * `paused`: not even the smallest layer got through; no video. `probing`: the
 * smallest layer again after a quiet pause, to see whether it gets through now.
 */
export type LinkState = 'full' | 'reduced' | 'lowest' | 'paused' | 'probing';

/**
 * `slowLink`: the media server saw the subscriber ask again for lost packets (Janus's slowlink).
 * `congested`: its stats of the connection show the subscriber losing at least
 * DEFAULTS.simulcast.congestedLossPercent of what it was sent — the link carries less than it is
 * given (our stand-in for REMB, which VideoRoom does not expose). `quiet`: neither for a while.
 */
export type LinkEvent = 'slowLink' | 'congested' | 'quiet';

export const LINK_TRANSITIONS: { readonly [S in LinkState]: { readonly [E in LinkEvent]: LinkState } } = {
  full: { slowLink: 'reduced', congested: 'reduced', quiet: 'full' },
  reduced: { slowLink: 'lowest', congested: 'lowest', quiet: 'full' },
  lowest: { slowLink: 'paused', congested: 'paused', quiet: 'reduced' },
  paused: { slowLink: 'paused', congested: 'paused', quiet: 'probing' },
  probing: { slowLink: 'paused', congested: 'paused', quiet: 'lowest' },
};

/** The highest layer each state lets through; null: none. */
export const LINK_CAP: { readonly [S in LinkState]: Layer | null } = {
  full: 2,
  reduced: 1,
  lowest: 0,
  paused: null,
  probing: 0,
};

export function nextLinkState(state: LinkState, event: LinkEvent): LinkState {
  return LINK_TRANSITIONS[state][event];
}

export interface LinkTiming {
  /** After a step, reports this soon still describe the layer before (they do not step again). */
  settleMs: number;
  /** Quiet this long, a limited link goes one layer up. */
  raiseAfterQuietMs: number;
  /** Quiet this long, a paused link is probed; a probe this long without loss counts as passed. */
  probeAfterMs: number;
}

export interface LinkAdaptationEvents {
  changed: [state: LinkState, from: LinkState];
}

export class LinkAdaptation extends TypedEmitter<LinkAdaptationEvents> {
  #state: LinkState = 'full';
  #changedAt = 0;
  #quiet: NodeJS.Timeout | undefined;

  constructor(private readonly timing: LinkTiming = DEFAULTS.simulcast) {
    super();
  }

  get state(): LinkState {
    return this.#state;
  }

  get cap(): Layer | null {
    return LINK_CAP[this.#state];
  }

  /** The media server reports packets lost towards the subscriber (`slowLink`), or its stats show the link losing much of what it is sent (`congested`). */
  trouble(event: Exclude<LinkEvent, 'quiet'>): void {
    // Right after a step the losses are still the old layer's — except in a probe, which follows silence.
    const settling = this.#state !== 'probing' && Date.now() - this.#changedAt < this.timing.settleMs;
    if (!settling) this.#apply(event);
    this.#armQuiet();
  }


  /** Stops the timers (the subscription closed). */
  close(): void {
    clearTimeout(this.#quiet);
    this.#quiet = undefined;
  }

  #apply(event: LinkEvent): void {
    const from = this.#state;
    const to = nextLinkState(from, event);
    if (to === from) return;
    this.#state = to;
    this.#changedAt = Date.now();
    this.emit('changed', to, from);
  }

  /** (Re)starts the wait for quiet; a link at full needs none. */
  #armQuiet(): void {
    clearTimeout(this.#quiet);
    this.#quiet = undefined;
    if (this.#state === 'full') return;
    const paused = this.#state === 'paused' || this.#state === 'probing';
    this.#quiet = setTimeout(
      () => {
        this.#apply('quiet');
        this.#armQuiet();
      },
      paused ? this.timing.probeAfterMs : this.timing.raiseAfterQuietMs,
    );
    this.#quiet.unref();
  }
}
