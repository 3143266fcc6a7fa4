/**
 * One person in a live session: what everyone sees of them (the protocol's
 * Participant), their two Janus handles, and their subscription to others.
 */
import { type IceCandidate, type Jsep, type Participant, ParleyError, type ServerEventName, type ServerEvents } from '@parley/protocol';
import type { JanusPublisher, JanusSubscriber } from '../media/index.ts';
import { StateMachine, type Transitions } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';

/** The way back to the participant's client: its signaling connection. */
export interface ParticipantLink {
  send<E extends ServerEventName>(event: E, data: ServerEvents[E]): void;
  /** Ends the connection after the session ended for it. */
  close(reason: string): void;
}

export type ParticipantState = 'joined' | 'disconnected' | 'left';
const PARTICIPANT_TRANSITIONS: Transitions<ParticipantState> = {
  joined: ['disconnected', 'left'],
  disconnected: ['joined', 'left'],
  left: [],
};

export class SessionParticipant {
  readonly info: Participant;
  readonly feedId: number;
  readonly canRecord: boolean;
  readonly lifecycle: StateMachine<ParticipantState>;
  link: ParticipantLink | null;
  publisher: JanusPublisher | undefined;
  subscriber: JanusSubscriber | undefined;
  /** True once Janus has this participant's media (webrtcup): others may subscribe then. */
  publishing = false;
  /** Feeds this participant's subscriber handle currently receives. */
  readonly subscribedFeeds = new Set<number>();
  /** Database row of this stay in the session, for the call log. */
  recordId = 0;
  graceTimer: NodeJS.Timeout | undefined;
  #pendingAnswer:
    | { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout; offer: ServerEvents['subscriber.offer'] }
    | undefined;
  /** SHA-256 of the secret a new socket presents to take this participant's place. */
  readonly resumeTokenHash: Buffer;

  constructor(
    info: Participant,
    feedId: number,
    canRecord: boolean,
    link: ParticipantLink,
    resumeTokenHash: Buffer,
    onState: (from: ParticipantState, to: ParticipantState) => void,
  ) {
    this.resumeTokenHash = resumeTokenHash;
    this.info = info;
    this.feedId = feedId;
    this.canRecord = canRecord;
    this.link = link;
    this.lifecycle = new StateMachine<ParticipantState>('joined', PARTICIPANT_TRANSITIONS, onState);
  }

  get uid(): string {
    return this.info.uid;
  }

  send<E extends ServerEventName>(event: E, data: ServerEvents[E]): void {
    this.link?.send(event, data);
  }

  /**
   * Sends the subscriber offer and waits until the client answers (or times out).
   * Without a connection (socket dropped, within grace) the offer waits and is
   * sent when the participant resumes.
   */
  offerToSubscriber(jsep: Jsep, streams: ServerEvents['subscriber.offer']['streams']): Promise<void> {
    this.#pendingAnswer?.reject(new ParleyError('INVALID_STATE', 'superseded by a newer offer'));
    if (this.lifecycle.is('left')) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pendingAnswer = undefined;
        reject(new ParleyError('REQUEST_TIMEOUT', 'The client did not answer the subscriber offer'));
      }, DEFAULTS.subscriberAnswerTimeoutMs);
      timer.unref();
      this.#pendingAnswer = { resolve, reject, timer, offer: { jsep, streams } };
      this.send('subscriber.offer', { jsep, streams });
    });
  }

  /** A new connection took this participant's place: it gets the offer still waiting for an answer. */
  resumed(link: ParticipantLink): void {
    clearTimeout(this.graceTimer);
    this.link = link;
    if (this.lifecycle.is('disconnected')) this.lifecycle.to('joined');
    const waiting = this.#pendingAnswer?.offer;
    if (waiting) this.send('subscriber.offer', waiting);
  }

  /** The client's answer arrived and Janus took it. */
  answered(): void {
    const pending = this.#pendingAnswer;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pendingAnswer = undefined;
    pending.resolve();
  }

  async trickle(target: 'publisher' | 'subscriber', candidate: IceCandidate): Promise<void> {
    const handle = target === 'publisher' ? this.publisher : this.subscriber;
    if (!handle) throw new ParleyError('INVALID_STATE', `No ${target} connection yet`);
    await handle.trickle(candidate ?? null);
  }

  /** Closes the Janus handles; safe to call more than once. */
  async closeMedia(): Promise<void> {
    clearTimeout(this.graceTimer);
    if (this.#pendingAnswer) {
      clearTimeout(this.#pendingAnswer.timer);
      this.#pendingAnswer.reject(new ParleyError('SESSION_ENDED', 'The participant left'));
      this.#pendingAnswer = undefined;
    }
    const handles = [this.publisher, this.subscriber];
    this.publisher = undefined;
    this.subscriber = undefined;
    this.publishing = false;
    this.subscribedFeeds.clear();
    await Promise.allSettled(handles.map((h) => h?.close()));
  }
}
