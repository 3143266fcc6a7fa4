/**
 * Our publisher's negotiation waits, a little at most, for the subscriber's
 * first answer to go out. Chromium negotiates every peer connection of a page
 * on one signaling thread, and the publisher's offer (its encoders, three
 * simulcast layers) held the answer to the subscriber offer back: in
 * bench:join the page took ~40 ms to answer it, a bare page ~11 ms.
 * Receiving is what the first remote frame waits for. In an audio-only call
 * the microphone waits too: opening it (capture, audio processing) held up
 * the page just as the offer arrived — in one bench:join run the offer was
 * handled at 105–113 ms with the microphone opening beside it, at 53 ms
 * without, and the first audio packet came at 252 against 287–356 ms
 * (docs/benchmarks.md, join). A camera waiting so starts in the window of
 * the first frame's ICE, DTLS and decoding instead: video calls open it at once.
 */
export class FirstAnswer {
  #sent!: () => void;
  readonly #done = new Promise<void>((resolve) => {
    this.#sent = resolve;
  });

  /** The subscriber's answer went out. */
  sent(): void {
    this.#sent();
  }

  /** Resolves once the first answer went out, or after `maxMs`; at once when no offer is to come (nobody else in the call). */
  async wait(offerExpected: boolean, maxMs: number): Promise<void> {
    if (!offerExpected) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.#done, new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)))]);
    clearTimeout(timer);
  }
}
