/**
 * What the publisher and subscriber connections share: the RTCPeerConnection,
 * its state machine (one table, one transition point), and the candidate queues.
 */
import { type EventMap, type IceCandidate, type PeerTarget, StateMachine, TypedEmitter } from '@parley/protocol';
import { listenerErrorsTo, type Logger, scoped } from '../util/logger.ts';
import { CandidateQueue } from './candidate-queue.ts';
import type { MediaHandler, PeerConnectionLike } from './media-handler.ts';
import { PEER_TRANSITIONS, type PeerState, peerStateFor } from './peer-state.ts';

export type PeerEvents = {
  stateChanged: [state: PeerState, previous: PeerState];
};

export abstract class PeerConnection<Events extends EventMap<Events> = PeerEvents> extends TypedEmitter<Events & PeerEvents> {
  readonly pc: PeerConnectionLike;
  protected readonly log: Logger;
  protected readonly candidates: CandidateQueue;
  readonly #machine: StateMachine<PeerState>;

  constructor(
    readonly target: PeerTarget,
    handler: MediaHandler,
    sendCandidate: (candidate: IceCandidate) => Promise<unknown>,
    rtcConfig?: RTCConfiguration,
  ) {
    const log = scoped(target);
    super(listenerErrorsTo(log));
    this.log = log;
    this.#machine = new StateMachine<PeerState>('new', PEER_TRANSITIONS, (from, to) => {
      this.log.debug(`${from} -> ${to}`);
      (this as unknown as TypedEmitter<PeerEvents>).emit('stateChanged', to, from);
    });
    this.pc = handler.createPeerConnection(rtcConfig);
    this.candidates = new CandidateQueue(
      this.pc,
      (candidate) => {
        sendCandidate(candidate).catch((error) => this.log.debug('trickle failed', error));
      },
      this.log,
    );
    this.pc.onicecandidate = (event) => this.candidates.addLocal(event.candidate ? event.candidate.toJSON() as IceCandidate : null);
    this.pc.onconnectionstatechange = () => {
      const next = peerStateFor(this.pc.connectionState);
      if (next && !this.isClosed && this.#machine.can(next)) this.#machine.to(next);
    };
  }

  get state(): PeerState {
    return this.#machine.state;
  }

  get isClosed(): boolean {
    return this.#machine.is('closed');
  }

  /** ICE servers and credentials for the next gathering (the first, or an ICE restart). */
  useConfiguration(config: RTCConfiguration): void {
    if (this.isClosed) return;
    try {
      this.pc.setConfiguration?.(config);
    } catch (error) {
      this.log.warn('new ICE servers not taken', error);
    }
  }

  /** A candidate the server relayed from Janus (null: no more). */
  addRemoteCandidate(candidate: IceCandidate): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return this.candidates.addRemote(candidate);
  }

  protected markConnecting(): void {
    if (this.#machine.is('new', 'failed')) this.#machine.to('connecting');
  }

  protected markFailed(): void {
    if (this.#machine.can('failed')) this.#machine.to('failed');
  }

  /** Closes the peer connection; idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.candidates.clear();
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    try {
      this.pc.close();
    } catch (error) {
      this.log.debug('close threw', error);
    }
    this.#machine.to('closed');
    this.onClosed();
  }

  protected onClosed(): void {}
}
