/**
 * A live call session on this server: its participants, its media room, and
 * the rules of the seed (who may do what, when a session ends). Every change
 * runs one at a time through the session's queue; what happened goes out as
 * domain events (domain-events.ts), which the call log, recordings and the
 * clients' broadcast listen to. The session owns its room and its
 * participants and closes them when it ends.
 */
import {
  type CallKind,
  type IceCandidate,
  type LeaveReason,
  type MediaRestartReason,
  type ParsedParams,
  type Participant,
  ParleyError,
  type PeerTarget,
  SerialQueue,
  type ServerEventName,
  type ServerEvents,
  type SessionEndReason,
  StateMachine,
  type Transitions,
  type VideoView,
} from '@parley/protocol';
import type { Logger } from 'pino';
import { DEFAULTS } from '../defaults.ts';
import type { AnswerJsep, MediaBackend, MediaRoom, OfferJsep } from '../media/media-backend.ts';
import type { CallTokenClaims } from '../tokens/call-token.ts';
import { ActiveSpeaker } from './active-speaker.ts';
import { ConnectionObservers } from './connection-observers.ts';
import type { DomainEventMap, DomainEvents, SessionView } from './domain-events.ts';
import { IdleWatch } from './idle-timer.ts';
import type { LiveSessionRecord } from '../store/live-sessions-store.ts';
import { type ParticipantLink, type ParticipantView, SessionParticipant } from './participant.ts';
import { initFromJoin, initFromRecord, type ParticipantFields } from './participant-init.ts';
import { SessionPublishing } from './session-publishing.ts';
import { type RecordingState, type RecordingTarget, recorderOf, SessionRecording } from './session-recording.ts';
import { SessionRoom } from './session-room.ts';
import { SessionRoster } from './session-roster.ts';
import { type SessionMedia, VideoSwitch } from './video-switch.ts';

export type SessionState = 'starting' | 'live' | 'ending' | 'ended';
const SESSION_TRANSITIONS: Transitions<SessionState> = {
  starting: ['live', 'ended'],
  live: ['ending'],
  ending: ['ended'],
  ended: [],
};

// Where other modules have always found them.
export type { RecordingState, RecordingTarget } from './session-recording.ts';

export interface CallSessionDeps {
  log: Logger;
  events: DomainEvents;
  media: MediaBackend;
  maxParticipants: number;
  reconnectGraceMs: number;
  /** Called once the session has ended, so the registry can forget it. */
  onEnded(session: CallSession): void;
}

export class CallSession implements SessionView {
  readonly sessionId: string;
  readonly kind: CallKind;
  readonly log: Logger;
  readonly #lifecycle: StateMachine<SessionState>;
  readonly #queue = new SerialQueue();
  readonly #roster = new SessionRoster();
  readonly #room: SessionRoom;
  readonly #recording: SessionRecording;
  readonly #publishing: SessionPublishing;
  readonly #idle: IdleWatch<SessionParticipant>;
  readonly #video: VideoSwitch;
  readonly #speaker: ActiveSpeaker;
  readonly #connections: ConnectionObservers;

  constructor(
    sessionId: string,
    kind: CallKind,
    private readonly deps: CallSessionDeps,
  ) {
    this.sessionId = sessionId;
    this.kind = kind;
    this.log = deps.log.child({ sessionId });
    this.#recording = new SessionRecording(this, deps.events, this.log);
    this.#room = new SessionRoom(
      {
        sessionId,
        isOpen: () => this.isOpen,
        mediaLost: () => this.#publishing.mediaLost(),
        mediaBack: (room) => this.#mediaBack(room),
        mediaFailed: () => this.end('media-failure'),
      },
      deps.media,
      this.#queue,
      this.log,
    );
    this.#lifecycle = new StateMachine<SessionState>('starting', SESSION_TRANSITIONS, (from, to) => this.log.info({ from, to }, 'session state'));
    this.#publishing = new SessionPublishing(
      { session: this, roster: this.#roster, events: deps.events, isOpen: () => this.isOpen, room: () => this.#room.current },
      this.log,
    );
    this.#idle = new IdleWatch<SessionParticipant>({
      warn: (p, secondsLeft) => p.send('session.idleWarning', { secondsLeft }),
      timeout: (p) => void this.#queue.run(() => this.#idleTimeout(p)).catch((error) => this.log.error({ err: error }, 'idle timeout failed')),
    });
    this.#video = new VideoSwitch(this, {
      log: this.log,
      answerTimeoutMs: DEFAULTS.videoSwitchAnswerTimeoutMs,
      switched: () => this.#switchedToVideo(),
    });
    this.#speaker = new ActiveSpeaker(DEFAULTS.activeSpeakerQuietMs, (uid) => void this.#emit('activeSpeaker.changed', { session: this, uid }));
    this.#connections = new ConnectionObservers(this, () => this.#roster.values(), this.#speaker, deps.events, this.log);
  }

  // ——— read-only views ———

  get state(): SessionState {
    return this.#lifecycle.state;
  }

  get isOpen(): boolean {
    return this.#lifecycle.is('starting', 'live');
  }

  get participants(): ReadonlyMap<string, ParticipantView> {
    return this.#roster.byUid;
  }

  /** The session's media: from its first participant's settings, video after a switch. */
  get media(): SessionMedia {
    return this.#video.media;
  }

  /** Its media room (read only: for tools and logs). */
  get room(): MediaRoom | undefined {
    return this.#room.current;
  }

  get recording(): RecordingState {
    return this.#recording.state;
  }

  get activeSpeaker(): string | null {
    return this.#speaker.current;
  }

  /** Who shares their screen now (one at a time), or null. */
  get screenSharer(): string | null {
    return this.#publishing.screenSharer;
  }

  /** Everyone currently in the session, oldest first. */
  list(): Participant[] {
    return this.#roster.list();
  }

  broadcast<E extends ServerEventName>(event: E, data: ServerEvents[E], except?: string): void {
    this.#roster.broadcast(event, data, except);
  }

  sendTo<E extends ServerEventName>(uid: string, event: E, data: ServerEvents[E]): void {
    this.#roster.sendTo(uid, event, data);
  }

  // ——— membership ———

  join(claims: CallTokenClaims, params: ParsedParams<'join'>, link: ParticipantLink, resumeTokenHash: Buffer): Promise<ParticipantView> {
    return this.#queue.run(async () => {
      if (!this.isOpen) throw new ParleyError('SESSION_ENDED');
      const previous = this.#roster.get(claims.uid);
      if (previous) await this.#remove(previous, 'replaced');
      if (this.#roster.size >= this.deps.maxParticipants) throw new ParleyError('SESSION_FULL');
      if (this.#lifecycle.is('starting')) await this.#start(params.audioOnly);

      const joinedAt = new Date();
      const participant = this.#newParticipant(initFromJoin(claims, params, { at: joinedAt, feedId: this.#roster.nextFeedId(), link, resumeTokenHash }));
      this.#roster.add(participant);
      try {
        await this.#emit('participant.joined', { session: this, participant, joinedAt });
      } catch (error) {
        // Not recorded, so not in: nobody was told of them. A session left empty by it ends.
        this.#roster.delete(participant);
        participant.leave();
        await participant.close();
        if (this.#roster.size === 0) await this.#end('call-ended');
        throw error;
      }
      this.log.info({ uid: claims.uid, count: this.#roster.size }, 'participant joined');
      // Everyone already publishing becomes visible to the newcomer.
      this.#publishing.receiveAll(participant);
      this.#idle.add(participant, params.idleTimeoutSeconds);
      this.#idle.update();
      this.#tellSpeaker(participant);
      return participant;
    });
  }

  /**
   * A new connection takes the place of a participant whose socket dropped (or
   * is about to be noticed as dropped). Nobody else is told: to them the
   * participant never left, and media went on flowing.
   */
  resume(view: ParticipantView, link: ParticipantLink): Promise<{ mediaRestart?: MediaRestartReason }> {
    return this.#queue.run(async () => {
      const participant = this.#member(view);
      participant.resumed(link);
      this.log.info({ uid: participant.uid }, 'participant resumed');
      this.#tellSpeaker(participant);
      // Their media room was made anew meanwhile: their client publishes again first (then receives; see publish).
      const mediaRestart = participant.mediaRestartPending;
      if (mediaRestart) return { mediaRestart };
      // Changes made while they were away reach them now.
      this.#publishing.receiveAll(participant);
      return {};
    });
  }

  /** A participant asked to leave. In a one-to-one call that ends it for both. */
  leave(view: ParticipantView): Promise<void> {
    return this.#queue.run(async () => {
      const participant = this.#roster.current(view);
      if (!participant || participant.state === 'left') return;
      await this.#remove(participant, 'left');
      await this.#endIfOver();
    });
  }

  /** The participant's socket `link` closed: keep them for the grace period, then remove them. */
  disconnected(view: ParticipantView, link: ParticipantLink): void {
    void this.#queue
      .run(() => {
        const participant = this.#roster.current(view);
        if (!participant || !this.isOpen) return;
        participant.disconnected(link, this.deps.reconnectGraceMs, () => void this.#graceOver(participant));
      })
      .catch((error) => this.log.error({ err: error }, 'marking a participant disconnected failed'));
  }

  /** Ends the session for everyone (server shutdown, its media node lost, a rule of the seed). */
  end(reason: SessionEndReason): Promise<void> {
    return this.#queue.run(() => this.#end(reason));
  }

  // ——— media ———

  /** The client's publisher offer: the media server answers, and others receive it once media flows. */
  publish(view: ParticipantView, offer: OfferJsep): Promise<AnswerJsep> {
    return this.#queue.run(() => this.#publishing.publish(this.#member(view), offer, this.#room.require()));
  }

  /** The client's screen share offer (a second publisher connection); others receive it once its media flows. */
  publishScreen(view: ParticipantView, offer: OfferJsep): Promise<AnswerJsep> {
    return this.#queue.run(() => this.#member(view).publishScreen(offer, this.#room.require(), () => this.#roster.nextFeedId()));
  }

  /** Ends the participant's screen share (harmless when there is none); resolves once nobody receives it. */
  async stopScreen(view: ParticipantView): Promise<void> {
    const { ended } = await this.#queue.run(() => this.#publishing.stopScreen(this.#member(view)));
    await ended; // outside the queue: the others' clients answer their new offers meanwhile
  }

  /**
   * ICE restart of one of the participant's connections (their network changed); they stay
   * in the session. Publisher or screen share: answers their offer. Subscriber: a new offer goes to them.
   */
  async restartIce(view: ParticipantView, target: PeerTarget, offer?: OfferJsep): Promise<AnswerJsep | undefined> {
    if (target === 'subscriber') return void (await this.#publishing.restartSubscriberIce(this.#member(view)));
    if (!offer) throw new ParleyError('VALIDATION_FAILED', 'A publisher ICE restart needs an offer');
    return this.#queue.run(() => this.#member(view).restartPublisherIce(offer, target === 'screen'));
  }

  /**
   * Their client replaces its publisher and subscriber connections (ICE restarts did not bring them back):
   * the old ones close, what they published ends for the others, and they receive again once they published.
   */
  replaceMedia(view: ParticipantView): Promise<void> {
    return this.#queue.run(() => this.#publishing.connectionsReplaced(this.#member(view)));
  }

  /**
   * Not on the queue either: an answer changes only the participant's own subscription, and Janus
   * starts ICE once it has it, so a joining participant's first frame must not wait behind their publish.
   */
  async subscriberAnswer(view: ParticipantView, answer: AnswerJsep): Promise<void> {
    await this.#member(view).answerSubscriber(answer);
  }

  /** Their subscriber connection carries media again after an ICE restart: as when it first came up, its publishers send key frames. */
  subscriberRestored(view: ParticipantView): void {
    this.#member(view).subscriberRestored();
  }

  /** How the participant's client shows each remote video (the layer each feed sends them): like a candidate, straight to their subscription. */
  setVideoViews(view: ParticipantView, views: readonly VideoView[]): void {
    this.#member(view).setVideoViews(views);
  }

  /** Candidates change no state and must not wait behind other steps: they go straight to the connection. */
  trickle(view: ParticipantView, target: PeerTarget, candidate: IceCandidate | null): Promise<void> {
    return this.#member(view).trickle(target, candidate);
  }

  mute(view: ParticipantView, change: { audioMuted?: boolean; videoMuted?: boolean }): Promise<Participant> {
    return this.#queue.run(async () => {
      const participant = this.#member(view);
      const info = participant.setMuted(change);
      await this.#emit('participant.muted', { session: this, participant, by: participant.uid });
      return info;
    });
  }

  // ——— the seed's rules ———

  /** "Stay" in the idle warning: a participant alone counts their whole period again. False when not alone. */
  stay(view: ParticipantView): boolean {
    return this.#idle.stay(this.#member(view));
  }

  requestVideoSwitch(view: ParticipantView): Promise<void> {
    return this.#queue.run(() => this.#video.request(this.#member(view)));
  }

  answerVideoSwitch(view: ParticipantView, accept: boolean): Promise<void> {
    return this.#queue.run(() => this.#video.answer(this.#member(view), accept));
  }

  /** Starts recording; harmless while it records. `target` is asked for a place only when a recording really starts. */
  startRecording(view: ParticipantView, target: () => RecordingTarget): Promise<RecordingState> {
    return this.#queue.run(() => this.#recording.start(recorderOf(this.#member(view)), () => this.#room.require(), target));
  }

  /** Stops recording; harmless when nothing records. */
  stopRecording(view: ParticipantView): Promise<RecordingState> {
    return this.#queue.run(async () => {
      const id = await this.#recording.stop(recorderOf(this.#member(view)), this.#room.current);
      return { recording: false, recordingId: id };
    });
  }

  /**
   * Rebuilds the session after a server restart from what was persisted
   * (store/live-sessions-store.ts), in a new media room: everyone is away until
   * their client resumes within `graceMs`, then publishes again. Nobody is
   * told of a join; a recording goes on into its folder.
   */
  restore(record: LiveSessionRecord, graceMs: number): Promise<void> {
    return this.#queue.run(async () => {
      const room = await this.#room.open();
      this.#video.started(record.media === 'audio');
      this.#lifecycle.to('live');
      for (const p of record.participants) {
        const participant = this.#newParticipant(initFromRecord(p, { graceMs, expired: () => void this.#graceOver(participant) }));
        this.#roster.add(participant);
        this.#idle.add(participant, p.idleTimeoutSeconds);
      }
      this.#idle.update();
      if (record.recording) await this.#recording.restored(record.recording, room);
      this.log.info({ participants: record.participants.length, recording: record.recording?.id ?? null }, 'session rebuilt after a restart');
    });
  }

  /**
   * This process stops and another takes over (a planned restart after the
   * drain): the session stops here without ending — no event, so what was
   * persisted of it stays for the next start to rebuild. Connections close
   * with the server; clients resume on the restarted one.
   */
  handOver(): Promise<void> {
    return this.#queue.run(async () => {
      if (!this.isOpen) return;
      this.#stopTimers();
      if (this.#lifecycle.is('live')) this.#lifecycle.to('ending');
      const everyone = [...this.#roster.values()];
      for (const p of everyone) p.leave();
      await Promise.all(everyone.map((p) => p.close()));
      // The recording stops with the room; the next start goes on into the same folder.
      await this.#room.destroy();
      this.#lifecycle.to('ended');
      this.log.info({ participants: everyone.length }, 'session handed over to the next start');
      this.deps.onEnded(this);
    });
  }

  // ——— steps (inside the queue) ———

  /** A participant of this session, their media reported back to it. */
  #newParticipant(init: ParticipantFields): SessionParticipant {
    return new SessionParticipant({
      ...init,
      log: this.log,
      hooks: {
        publisherConnected: (p) => void this.#queue.run(() => this.#publishing.publisherConnected(p)).catch((error) => this.log.warn({ err: error }, 'publishing failed')),
        publisherHungUp: (p) => void this.#queue.run(() => this.#publishing.publisherHungUp(p)).catch((error) => this.log.warn({ err: error }, 'unpublishing failed')),
        screenConnected: (p) => void this.#queue.run(() => this.#publishing.screenConnected(p)).catch((error) => this.log.warn({ err: error }, 'screen share failed')),
        // Not on the session's queue: it waits for the client's answer, on the participant's own (SubscriptionManager).
        subscriptionChanged: (p, change) => this.#publishing.mediaServerChanged(p, change),
        ...this.#connections.hooks,
      },
    });
  }

  async #start(audioOnly: boolean): Promise<void> {
    await this.#room.open();
    this.#video.started(audioOnly);
    try {
      await this.#emit('session.started', { session: this });
    } catch (error) {
      await this.#room.discard();
      throw error;
    }
    this.#lifecycle.to('live');
  }

  /** In the room made anew a recording goes on into the same folder (one file covers the whole call), and every client publishes and subscribes again. */
  async #mediaBack(room: MediaRoom): Promise<void> {
    await this.#recording.goOnIn(room, 'in the new room');
    this.broadcast('media.restart', { reason: 'media-node-lost' });
  }

  async #graceOver(participant: SessionParticipant): Promise<void> {
    await this.#queue
      .run(async () => {
        if (participant.state !== 'disconnected' || this.#roster.current(participant) !== participant) return;
        await this.#remove(participant, 'disconnected');
        await this.#endIfOver();
      })
      .catch((error) => this.log.error({ err: error }, 'removing a disconnected participant failed'));
  }

  /** The seed's rule after a leave: a one-to-one call ends for both, any call ends with its last participant. */
  async #endIfOver(): Promise<void> {
    if (this.kind === 'direct' || this.#roster.size === 0) await this.#end('call-ended');
  }

  async #remove(participant: SessionParticipant, reason: LeaveReason): Promise<void> {
    if (participant.state === 'left') return;
    if (reason === 'replaced') participant.dismiss('replaced');
    participant.leave();
    this.#roster.delete(participant);
    this.#idle.remove(participant);
    this.#video.left(participant);
    this.#speaker.left(participant.uid);
    this.#connections.left(participant);
    const feeds = participant.feeds;
    await this.#publishing.unpublished(participant, await participant.close());
    await this.#emit('participant.left', { session: this, participant, reason, leftAt: new Date() });
    this.log.info({ uid: participant.uid, reason, count: this.#roster.size }, 'participant left');
    // While the session ends nobody needs their subscriptions trimmed.
    if (this.#lifecycle.is('live')) {
      this.#publishing.dropFeeds(feeds);
      this.#idle.update(); // someone left alone starts counting
    }
  }

  async #end(reason: SessionEndReason): Promise<void> {
    if (!this.isOpen) return;
    this.#stopTimers();
    const wasLive = this.#lifecycle.is('live');
    if (wasLive) this.#lifecycle.to('ending');
    await this.#recording.stop(null, this.#room.current).catch((error: unknown) => this.log.error({ err: error }, 'stopping the recording failed'));
    const everyone = [...this.#roster.values()];
    // Tell everyone first, so nobody sees the others leave one by one.
    for (const p of everyone) p.dismiss(reason);
    for (const p of everyone) await this.#remove(p, reason === 'timeout' ? 'timeout' : 'left');
    await this.#room.destroy();
    if (wasLive) await this.#emit('session.ended', { session: this, reason });
    this.#lifecycle.to('ended');
    this.deps.onEnded(this);
  }

  /** Whether the session ends or stops here for a hand-over, none of its timers may fire after it. */
  #stopTimers(): void {
    this.#idle.close();
    this.#video.close();
    this.#speaker.close();
  }

  /** Alone for their whole idle period: the session ends for them (session.ended 'timeout', leave reason 'timeout'). */
  async #idleTimeout(participant: SessionParticipant): Promise<void> {
    if (!this.isOpen || !this.#idle.isAlone(participant)) return;
    this.log.info({ uid: participant.uid }, 'alone for the idle period: the session timed out');
    await this.#end('timeout');
  }

  async #switchedToVideo(): Promise<void> {
    for (const p of this.#roster.values()) p.allowVideo();
    await this.#emit('session.mediaChanged', { session: this, media: 'video' });
  }

  // ——— lookups ———

  /** The live participant a view stands for; SESSION_ENDED or NOT_JOINED otherwise. */
  #member(view: ParticipantView): SessionParticipant {
    if (!this.isOpen) throw new ParleyError('SESSION_ENDED');
    return this.#roster.member(view);
  }

  /** Someone who arrives (or comes back) while someone speaks learns who. */
  #tellSpeaker(participant: SessionParticipant): void {
    const uid = this.#speaker.current;
    if (uid !== null) participant.send('session.activeSpeaker', { uid });
  }

  #emit<K extends keyof DomainEventMap>(event: K, ...args: DomainEventMap[K]): Promise<void> {
    return this.deps.events.emit(event, ...args);
  }
}
