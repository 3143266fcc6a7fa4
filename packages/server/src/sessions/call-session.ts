/**
 * A live call session on this server: its participants, its Janus room, and
 * the rules of the seed (who is told what, when a session ends). Changes to
 * membership run one at a time through the session's queue.
 */
import {
  type CallKind,
  type IceCandidate,
  type LeaveReason,
  type ParsedParams,
  type Participant,
  ParleyError,
  type ServerEventName,
  type ServerEvents,
  type SessionEndReason,
} from '@parley/protocol';
import type { Logger } from 'pino';
import type { AnswerJsep, JanusRoom, OfferJsep } from '../media/index.ts';
import type { SessionsStore } from '../store/index.ts';
import type { CallTokenClaims } from '../tokens/call-token.ts';
import { DEFAULTS } from '../defaults.ts';
import { SerialQueue } from '@parley/protocol';
import { StateMachine, type Transitions } from '@parley/protocol';
import { type ParticipantLink, SessionParticipant } from './participant.ts';
import { SubscriptionManager } from './subscriptions.ts';
import { IdleWatch } from './idle-timer.ts';
import { ActiveSpeaker } from './active-speaker.ts';
import { VideoSwitch } from './video-switch.ts';

export type SessionState = 'starting' | 'live' | 'ending' | 'ended';
const SESSION_TRANSITIONS: Transitions<SessionState> = {
  starting: ['live', 'ended'],
  live: ['ending'],
  ending: ['ended'],
  ended: [],
};

/** What recording needs to hear from a session (recording/RecordingController implements it). */
export interface SessionRecordingHooks {
  /** A participant's media reached Janus. */
  publisherUp(session: CallSession, participant: SessionParticipant): void;
  /** The session is ending: a running recording stops before the room goes. */
  sessionEnding(session: CallSession): Promise<void>;
}

export interface CallSessionDeps {
  log: Logger;
  sessions: SessionsStore;
  createRoom(sessionId: string): Promise<JanusRoom>;
  maxParticipants: number;
  reconnectGraceMs: number;
  recording?: SessionRecordingHooks;
  /** Called once the session has ended, so the registry can forget it. */
  onEnded(session: CallSession): void;
}

export class CallSession {
  readonly sessionId: string;
  readonly kind: CallKind;
  readonly participants = new Map<string, SessionParticipant>();
  readonly lifecycle: StateMachine<SessionState>;
  readonly log: Logger;
  recording = false;
  room: JanusRoom | undefined;
  #nextFeedId = 1;
  readonly #queue = new SerialQueue();
  readonly #subscriptions: SubscriptionManager;
  readonly #idle: IdleWatch<SessionParticipant>;
  readonly #speaker = new ActiveSpeaker(DEFAULTS.activeSpeakerQuietMs, (uid) => this.broadcast('session.activeSpeaker', { uid }));
  /** The session's media, and switching it from audio to video (switchToVideoCall). */
  readonly video: VideoSwitch;

  constructor(
    sessionId: string,
    kind: CallKind,
    private readonly deps: CallSessionDeps,
  ) {
    this.sessionId = sessionId;
    this.kind = kind;
    this.log = deps.log.child({ sessionId });
    this.lifecycle = new StateMachine<SessionState>('starting', SESSION_TRANSITIONS, (from, to) =>
      this.log.info({ from, to }, 'session state'),
    );
    this.#subscriptions = new SubscriptionManager(this, this.log);
    this.#idle = new IdleWatch<SessionParticipant>({
      warn: (p, secondsLeft) => p.send('session.idleWarning', { secondsLeft }),
      timeout: (p) => void this.#queue.run(() => this.#idleTimeout(p)).catch((error) => this.log.error({ err: error }, 'idle timeout failed')),
    });
    this.video = new VideoSwitch(this, {
      log: this.log,
      answerTimeoutMs: DEFAULTS.videoSwitchAnswerTimeoutMs,
      setMedia: (id, media) => deps.sessions.mediaChanged(id, media),
    });
  }

  get isOpen(): boolean {
    return this.lifecycle.is('starting', 'live');
  }

  /** Everyone currently in the session, oldest first. */
  list(): Participant[] {
    return [...this.participants.values()].filter((p) => !p.lifecycle.is('left')).map((p) => ({ ...p.info }));
  }

  publisherOf(feedId: number): SessionParticipant | undefined {
    for (const p of this.participants.values()) if (p.feedId === feedId) return p;
    return undefined;
  }

  broadcast<E extends ServerEventName>(event: E, data: ServerEvents[E], except?: string): void {
    for (const p of this.participants.values()) if (p.uid !== except) p.send(event, data);
  }

  join(claims: CallTokenClaims, params: ParsedParams<'join'>, link: ParticipantLink, resumeTokenHash: Buffer): Promise<SessionParticipant> {
    return this.#queue.run(async () => {
      if (!this.isOpen) throw new ParleyError('SESSION_ENDED');
      const previous = this.participants.get(claims.uid);
      if (previous) await this.#remove(previous, 'replaced');
      if (this.participants.size >= this.deps.maxParticipants) throw new ParleyError('SESSION_FULL');
      if (this.lifecycle.is('starting')) await this.#start(params.audioOnly);

      const joinedAt = new Date();
      const info: Participant = {
        uid: claims.uid,
        name: claims.name,
        avatar: claims.avatar,
        joinedAt: joinedAt.getTime(),
        isAudioMuted: params.audioMuted,
        isVideoMuted: params.audioOnly || params.videoMuted,
        isAudioOnly: params.audioOnly,
      };
      const participant = new SessionParticipant(info, this.#nextFeedId++, claims.canRecord, link, resumeTokenHash, (from, to) =>
        this.log.debug({ uid: claims.uid, from, to }, 'participant state'),
      );
      this.participants.set(claims.uid, participant);
      participant.recordId = await this.deps.sessions.participantJoined(this.sessionId, info.uid, info.name, joinedAt);
      this.broadcast('participant.joined', { participant: { ...info } }, info.uid);
      this.broadcast('participants.changed', { participants: this.list() }, info.uid);
      this.log.info({ uid: info.uid, count: this.participants.size }, 'participant joined');
      // Everyone already publishing becomes visible to the newcomer.
      this.#subscriptions.refresh(participant);
      this.#idle.add(participant, params.idleTimeoutSeconds);
      this.#idle.update();
      this.#tellSpeaker(participant);
      return participant;
    });
  }

  async #start(audioOnly: boolean): Promise<void> {
    this.room = await this.deps.createRoom(this.sessionId);
    this.video.started(audioOnly);
    await this.deps.sessions.sessionStarted(this.sessionId, this.kind, audioOnly ? 'audio' : 'video');
    this.lifecycle.to('live');
  }

  /** The client's publisher offer: Janus answers, and others subscribe once media is up. */
  async publish(participant: SessionParticipant, offer: OfferJsep): Promise<AnswerJsep> {
    const room = this.#requireRoom();
    if (!participant.publisher) {
      const publisher = await room.createPublisher({ feedId: participant.feedId, display: participant.uid });
      participant.publisher = publisher;
      publisher.on('trickle', (candidate) => participant.send('trickle', { target: 'publisher', candidate }));
      publisher.on('webrtcup', () => {
        participant.publishing = true;
        this.#subscriptions.refreshAllBut(participant);
        this.deps.recording?.publisherUp(this, participant);
      });
      publisher.on('hangup', (reason) => this.log.info({ uid: participant.uid, reason }, 'publisher hung up'));
      publisher.on('talking', (talking) => {
        if (!participant.lifecycle.is('left')) this.#speaker.talking(participant.uid, talking);
      });
      return publisher.publish(offer);
    }
    const answer = await participant.publisher.renegotiate(offer);
    // A stream the publisher did not have before (switched to video) reaches those who receive it.
    if (participant.publishing) this.#subscriptions.addNewStreams(participant);
    return answer;
  }

  async subscriberAnswer(participant: SessionParticipant, answer: AnswerJsep): Promise<void> {
    if (!participant.subscriber) throw new ParleyError('INVALID_STATE', 'No subscriber offer was made');
    await participant.subscriber.answer(answer);
    participant.answered();
  }

  trickle(participant: SessionParticipant, target: 'publisher' | 'subscriber', candidate: IceCandidate): Promise<void> {
    return participant.trickle(target, candidate);
  }

  mute(participant: SessionParticipant, change: { audioMuted?: boolean; videoMuted?: boolean }): Participant {
    if (change.audioMuted !== undefined) participant.info.isAudioMuted = change.audioMuted;
    if (change.videoMuted !== undefined) participant.info.isVideoMuted = change.videoMuted;
    const snapshot = { ...participant.info };
    this.broadcast('participant.muted', { participant: snapshot, mutedBy: participant.uid }, participant.uid);
    return snapshot;
  }

  /**
   * A new connection takes the place of a participant whose socket dropped (or
   * is about to be noticed as dropped). Nobody else is told: to them the
   * participant never left, and media went on flowing through Janus.
   */
  resume(participant: SessionParticipant, link: ParticipantLink): Promise<void> {
    return this.#queue.run(async () => {
      if (!this.isOpen || participant.lifecycle.is('left')) throw new ParleyError('SESSION_ENDED');
      const previous = participant.link;
      participant.resumed(link);
      if (previous && previous !== link) previous.close('resumed elsewhere');
      this.log.info({ uid: participant.uid }, 'participant resumed');
      // Changes made while they were away reach them now.
      this.#subscriptions.refresh(participant);
      this.#tellSpeaker(participant);
    });
  }

  /** A participant asked to leave. In a one-to-one call that ends it for both. */
  leave(participant: SessionParticipant): Promise<void> {
    return this.#queue.run(async () => {
      if (participant.lifecycle.is('left')) return;
      if (this.kind === 'direct') {
        await this.#remove(participant, 'left');
        await this.#end('call-ended');
        return;
      }
      await this.#remove(participant, 'left');
      if (this.participants.size === 0) await this.#end('call-ended');
    });
  }

  /** The participant's socket closed: keep them for a grace period, then remove them. */
  disconnected(participant: SessionParticipant): void {
    if (!participant.lifecycle.is('joined')) return;
    participant.lifecycle.to('disconnected');
    participant.link = null;
    participant.graceTimer = setTimeout(() => {
      void this.#queue
        .run(async () => {
          if (!participant.lifecycle.is('disconnected')) return;
          await this.#remove(participant, 'disconnected');
          if (this.kind === 'direct' && this.participants.size > 0) await this.#end('call-ended');
          else if (this.participants.size === 0) await this.#end('call-ended');
        })
        .catch((error) => this.log.error({ err: error }, 'removing a disconnected participant failed'));
    }, this.deps.reconnectGraceMs);
    participant.graceTimer.unref();
  }

  /** Ends the session for everyone (server shutdown, or a rule of the seed). */
  end(reason: SessionEndReason): Promise<void> {
    return this.#queue.run(() => this.#end(reason));
  }

  async #remove(participant: SessionParticipant, reason: LeaveReason): Promise<void> {
    if (participant.lifecycle.is('left')) return;
    participant.lifecycle.to('left');
    this.participants.delete(participant.uid);
    this.#idle.remove(participant);
    this.video.left(participant);
    this.#speaker.left(participant.uid);
    await participant.closeMedia();
    await this.deps.sessions.participantLeft(participant.recordId, new Date(), reason).catch((error) =>
      this.log.error({ err: error }, 'could not record a leave'),
    );
    if (reason === 'replaced') {
      participant.send('session.ended', { reason: 'replaced' });
      participant.link?.close('replaced');
    }
    participant.link = null;
    const left = { ...participant.info };
    this.broadcast('participant.left', { participant: left, reason });
    this.broadcast('participants.changed', { participants: this.list() });
    this.log.info({ uid: participant.uid, reason, count: this.participants.size }, 'participant left');
    // While the session ends nobody needs their subscriptions trimmed.
    if (this.lifecycle.is('live')) this.#subscriptions.dropFeed(participant.feedId);
    if (this.lifecycle.is('live')) this.#idle.update(); // someone left alone starts counting
  }

  async #end(reason: SessionEndReason): Promise<void> {
    if (!this.isOpen) return;
    this.#idle.close();
    this.video.close();
    this.#speaker.close();
    const wasLive = this.lifecycle.is('live');
    if (wasLive) this.lifecycle.to('ending');
    await this.deps.recording?.sessionEnding(this).catch((error: unknown) => this.log.error({ err: error }, 'stopping the recording failed'));
    const everyone = [...this.participants.values()];
    // Tell everyone first, so nobody sees the others leave one by one.
    for (const p of everyone) {
      p.send('session.ended', { reason });
      p.link?.close(reason);
      p.link = null;
    }
    for (const p of everyone) await this.#remove(p, reason === 'timeout' ? 'timeout' : 'left');
    await this.room?.destroy().catch((error: unknown) => this.log.warn({ err: error }, 'room destroy failed'));
    if (wasLive) await this.deps.sessions.sessionEnded(this.sessionId, reason).catch(() => undefined);
    this.lifecycle.to('ended');
    this.deps.onEnded(this);
  }

  /** "Stay" in the idle warning: a participant alone counts their whole period again. False when not alone. */
  stay(participant: SessionParticipant): boolean {
    return this.#idle.stay(participant);
  }

  /** Alone for their whole idle period: the session ends for them (session.ended 'timeout', leave reason 'timeout'). */
  async #idleTimeout(participant: SessionParticipant): Promise<void> {
    if (!this.isOpen || !this.#idle.isAlone(participant)) return;
    this.log.info({ uid: participant.uid }, 'alone for the idle period: the session timed out');
    await this.#end('timeout');
  }

  /** Someone who arrives (or comes back) while someone speaks learns who. */
  #tellSpeaker(participant: SessionParticipant): void {
    const uid = this.#speaker.current;
    if (uid !== null) participant.send('session.activeSpeaker', { uid });
  }

  #requireRoom(): JanusRoom {
    if (!this.room || !this.isOpen) throw new ParleyError('SESSION_ENDED');
    return this.room;
  }
}
