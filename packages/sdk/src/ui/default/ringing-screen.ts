/**
 * The ringing flow's default screens: the incoming call (Decline / Accept) and
 * the outgoing "Calling …" (Cancel), over the page, in a host element put into
 * `element` at once. What they draw (ringing-card.ts: markup, stylesheet,
 * icons) is a chunk of its own, loaded when a screen is made, so a page that
 * never rings does not download it (docs/benchmarks.md, "Bundle size").
 *
 * `ParleyRinging.renderCallScreen(element, { onAccepted })` makes one; it stays
 * hidden until a call rings or is placed. `onAccepted(call)` fires on both
 * sides once the call is answered: start the session there.
 */
import type { Call } from '@parley/protocol';
import type { CallListener } from '../../calls/call-listener.ts';
import { DEFAULTS } from '../../defaults.ts';
import type { RingingCard } from './ringing-card.ts';

/** What the screen uses of the SDK: the public ringing API. */
export interface RingingScreenApi {
  addCallListener(id: string, listener: CallListener): void;
  removeCallListener(id: string): void;
  acceptCall(sessionId: string): Promise<Call>;
  rejectCall(sessionId: string, status?: 'rejected' | 'busy'): Promise<Call>;
  cancelCall(sessionId: string): Promise<Call>;
  getActiveCall(): Call | null;
  /** The logged-in uid, to tell our outgoing calls from others. */
  currentUid(): string | undefined;
  /** The latest call ringing for this tab, shown as soon as the screen is drawn. */
  ringingNow?(): Call | undefined;
}

export interface RingingScreenOptions {
  /** Both sides, once the call is answered: generate a token and start the session. */
  onAccepted?: (call: Call) => void;
  /** The call ended before it was answered (declined, cancelled, busy, unanswered). */
  onClosed?: (call: Call) => void;
  /** How long the outcome ("Busy", "No answer") stays shown, in ms (default `DEFAULTS.ringingOutcomeMs`). */
  outcomeMs?: number;
}

export class RingingScreen {
  /** The element the screen draws in (`[data-parley-ringing]`, its shadow root holds the screen). */
  readonly host: HTMLDivElement;
  #card: RingingCard | undefined;
  /** An incoming call shown with showIncoming before the card was drawn. */
  #incoming: Call | undefined;
  #closed = false;

  constructor(element: HTMLElement, api: RingingScreenApi, options: RingingScreenOptions = {}) {
    this.host = document.createElement('div');
    this.host.dataset.parleyRinging = '';
    element.append(this.host);
    const drawn = { ...options, outcomeMs: options.outcomeMs ?? DEFAULTS.ringingOutcomeMs };
    import('./ringing-card.ts').then(
      ({ RingingCard }) => {
        if (this.#closed) return;
        this.#card = new RingingCard(this.host, api, drawn);
        if (this.#incoming) this.#card.showIncoming(this.#incoming);
      },
      (error) => console.error('[parley] the ringing screen could not be loaded', error),
    );
  }

  /** What the screen shows: 'hidden', 'incoming', 'outgoing' or 'outcome'. */
  get mode(): string {
    return this.#card?.mode ?? 'hidden';
  }

  /** Shows an incoming call that rang before the screen was made. */
  showIncoming(call: Call): void {
    if (this.#card) this.#card.showIncoming(call);
    else this.#incoming = call;
  }

  /** Removes the screen and its listener; idempotent. */
  close(): void {
    this.#closed = true;
    this.#card?.close();
    this.host.remove();
  }
}
