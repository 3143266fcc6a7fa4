/**
 * ICE candidates both ways, for one peer connection: remote ones wait until
 * the connection has its remote description; local ones wait until the server
 * has the matching handle (publish answered, or our answer sent).
 */
import type { IceCandidate } from '@parley/protocol';
import type { Logger } from '../util/logger.ts';
import { Once } from '../util/once.ts';
import type { PeerConnectionLike } from './media-handler.ts';

export class CandidateQueue {
  #remote: IceCandidate[] = [];
  #local: IceCandidate[] = [];
  #localOpen = false;
  /** The first of our candidates went to the server. */
  readonly #localSent = new Once();
  /** An ICE restart of ours waits for its answer: remote candidates are for that answer. */
  #restarting = false;

  readonly #pc: PeerConnectionLike;
  readonly #sendLocal: (candidate: IceCandidate) => void;
  readonly #log: Logger;

  constructor(pc: PeerConnectionLike, sendLocal: (candidate: IceCandidate) => void, log: Logger) {
    this.#pc = pc;
    this.#sendLocal = sendLocal;
    this.#log = log;
  }

  /** A candidate from the server; null means Janus has no more. */
  async addRemote(candidate: IceCandidate): Promise<void> {
    if (!this.#pc.remoteDescription || this.#restarting) {
      this.#remote.push(candidate);
      return;
    }
    await this.#apply(candidate);
  }

  /**
   * Our ICE restart offer is out: Janus trickles the candidates of its answer, often before the
   * answer itself arrives (it comes back through the server's request chain). Added now they would
   * go to the description in place and be dropped with it: they wait for `flushRemote`.
   */
  holdRemote(): void {
    this.#restarting = true;
  }

  /** Call once the remote description is set (or a restart's answer is applied, or given up). */
  async flushRemote(): Promise<void> {
    this.#restarting = false;
    const queued = this.#remote;
    this.#remote = [];
    for (const candidate of queued) await this.#apply(candidate);
  }

  /** A candidate we gathered; null when gathering is complete. */
  addLocal(candidate: IceCandidate): void {
    if (this.#localOpen) this.#send(candidate);
    else this.#local.push(candidate);
  }

  /** Resolves once our first candidate went to the server (at once if one has), or after `maxMs`. */
  localSent(maxMs: number): Promise<void> {
    return this.#localSent.wait(maxMs);
  }

  /** The server can take our candidates now: send the queued ones, then pass new ones straight on. */
  openLocal(): void {
    if (this.#localOpen) return;
    this.#localOpen = true;
    const queued = this.#local;
    this.#local = [];
    for (const candidate of queued) this.#send(candidate);
  }

  #send(candidate: IceCandidate): void {
    this.#sendLocal(candidate);
    this.#localSent.happen();
  }

  clear(): void {
    this.#remote = [];
    this.#local = [];
  }

  async #apply(candidate: IceCandidate): Promise<void> {
    try {
      // No argument is the end-of-candidates marker (Janus bundles everything on one transport).
      await (candidate ? this.#pc.addIceCandidate(candidate) : this.#pc.addIceCandidate());
    } catch (error) {
      this.#log.warn('could not add a remote ICE candidate', error);
    }
  }
}
