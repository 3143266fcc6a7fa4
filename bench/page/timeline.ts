/**
 * Runs in the browser page. The milestones of one join, each the first time it
 * was reached, in ms since `start()` (page clock: performance.now()).
 */

export type Phase =
  /** startSession() called (the Parley page's time zero is generateToken(), just before) */
  | 'session'
  /** getUserMedia resolved */
  | 'devices'
  /** the signaling WebSocket opened */
  | 'socket'
  /** our `join` request went out */
  | 'joinSent'
  /** the server answered `join` */
  | 'joined'
  /** the first subscriber offer arrived */
  | 'offer'
  /** the page handed the subscriber offer to its peer connection (setRemoteDescription called) */
  | 'offerApplied'
  /** the page set its answer on the subscriber connection (setLocalDescription called) */
  | 'answerSet'
  /** our answer to the subscriber offer went out (Parley: `subscriber.answer`; bare: Janus `start`) */
  | 'answerSent'
  /** the receiving connection gathered its first ICE candidate (its icecandidate event) */
  | 'candidateGathered'
  /** our first ICE candidate for the receiving connection went out (to the server; bare: to Janus) */
  | 'candidateSent'
  /** our `publish` request (the publisher's offer) went out */
  | 'publishSent'
  /** the receiving peer connection's ICE connected */
  | 'ice'
  /** the receiving peer connection is connected (ICE and DTLS) */
  | 'dtls'
  /** inbound-rtp audio packetsReceived > 0 */
  | 'audio'
  /** the host's page saw a key frame request (PLI) reach its video encoder (bench/page/sender-watch.ts) */
  | 'hostPli'
  /** the host's page encoded a key frame after that request */
  | 'hostKeyFrame'
  /** inbound-rtp video packetsReceived > 0 */
  | 'videoPacket'
  /** inbound-rtp video pliCount > 0: the receiver asked for a key frame (the first one it was sent did not reach it) */
  | 'videoPli'
  /** inbound-rtp video framesDecoded > 0 */
  | 'video'
  /** the first remote video frame a page's <video> showed: when its last packet arrived (requestVideoFrameCallback's receiveTime) */
  | 'videoReceived'
  /** ...and when it was decoded (receiveTime + processingDuration, its decoding measured by the browser) */
  | 'videoDecoded'
  /** ...and when it was handed to the compositor (presentationTime): what the user sees, whatever the page's main thread was doing */
  | 'videoShown'
  /** startSession() resolved (the SDK has joined and published) */
  | 'resolved';

export type Marks = Partial<Record<Phase, number>>;

export class Timeline {
  readonly marks: Marks = {};
  #t0 = performance.now();
  readonly #waiters = new Set<() => void>();

  /** Time zero on the wall clock (ms), to compare with other pages' clocks. */
  get startedAt(): number {
    return performance.timeOrigin + this.#t0;
  }

  /** Time zero: the call being measured is about to be made. */
  start(): void {
    this.#t0 = performance.now();
  }

  mark(phase: Phase): void {
    this.markAt(phase, performance.now());
  }

  /** Marks a phase reached at `time` (page clock), earlier than now: the browser timestamped it. */
  markAt(phase: Phase, time: number): void {
    if (this.marks[phase] !== undefined) return;
    this.marks[phase] = time - this.#t0;
    for (const wake of this.#waiters) wake();
  }

  has(phase: Phase): boolean {
    return this.marks[phase] !== undefined;
  }

  /** Resolves once every phase in `phases` is marked; rejects after `timeoutMs`, naming what is missing. */
  reached(phases: Phase[], timeoutMs: number): Promise<Marks> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!phases.every((p) => this.has(p))) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve({ ...this.marks });
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        const missing = phases.filter((p) => !this.has(p));
        reject(new Error(`not reached in ${timeoutMs} ms: ${missing.join(', ')}; marks so far ${JSON.stringify(this.marks)}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }
}
