/**
 * One call: the signaling connection, our publisher and subscriber peer
 * connections, the local camera and microphone, and the events of the seed.
 * States move only through the table in session-state.ts; the user's async
 * actions run one at a time.
 */
import {
  type ArgsOf,
  CLOSE_CODES,
  type IceCandidate,
  type JoinResult,
  type Jsep,
  ParleyError,
  type PeerTarget,
  type PublicationSource,
  SerialQueue,
  type ServerEvents,
  type SessionEndReason,
  StateMachine,
  type SubscriberStream,
  TypedEmitter,
} from '@parley/protocol';
import { AUDIO_MODES, type AudioMode, type CallEvents, type CallSessionState, type RTCUser } from '../api/events.ts';
import type { CallSettings } from '../api/call-settings.ts';
import { DEFAULTS } from '../defaults.ts';
import { rtcConfigWith } from '../media/ice-servers.ts';
import { IceWatch } from '../media/ice-watch.ts';
import { LocalMedia } from '../media/local-media.ts';
import { ScreenShare } from '../media/screen-share.ts';
import type { PeerConnectionLike } from '../media/media-handler.ts';
import type { PeerState } from '../media/peer-state.ts';
import { PublisherConnection } from '../media/publisher-connection.ts';
import { QualityMonitor } from '../quality/quality-monitor.ts';
import { reportNetworkQuality } from '../quality/report-quality.ts';
import { SubscriberConnection } from '../media/subscriber-connection.ts';
import { listenerErrorsTo, type Logger, scoped } from '../util/logger.ts';
import { AudioOutput, type AudioOutputChoice } from './audio-output.ts';
import { asParleyError, guardBoolean } from '../util/errors.ts';
import { Roster } from './roster.ts';
import { screenSharerIs } from './screen-share-events.ts';
import { BackoffReconnectPolicy } from './reconnect-policy.ts';
import { restartMedia } from './media-recovery.ts';
import { othersSendMedia } from './remote-media.ts';
import { ResumeRace } from './resume.ts';
import { VideoViewReporter } from './video-view-reporter.ts';
import type { CallSessionOptions } from './options.ts';
import { SESSION_TRANSITIONS } from './session-state.ts';
import type { SessionView } from './session-view.ts';
import { type CallFacts, reportLeft, type Row, SERVER_EVENT_TABLE, type ServerEventContext, type SessionEventName } from './server-event-table.ts';
import { FirstAnswer } from './first-answer.ts';
import { JoinTiming } from './join-timing.ts';
import { type CloseInfo, SignalingClient, signalingUrl } from './signaling-client.ts';

export type { CallSessionOptions };

/** A listener of the session's emitter, typed by its argument tuple. */
type Listener<E extends keyof CallEvents> = (...args: ArgsOf<CallEvents>[E]) => unknown;

/**
 * How a session ends: why, when not by our own endSession (reported as
 * onSessionTimeout for `timeout`, else onCallEnded with the reason), the
 * error to report first, and whether we say `leave`.
 */
interface Ending {
  reason?: SessionEndReason;
  error?: ParleyError;
  leave: boolean;
}

export class CallSession {
  readonly settings: CallSettings;
  readonly #opts: CallSessionOptions;
  readonly #events: TypedEmitter<ArgsOf<CallEvents>>;
  readonly #actions = new SerialQueue();
  readonly #roster = new Roster();
  #checkingSignaling = false;
  /** While reconnecting: the resume attempts (session/resume.ts). */
  #resume: ResumeRace<SignalingClient> | undefined;
  /** Our receiving path came back while the socket was down: key frames are asked for once it resumes. */
  #keyFramesOwed = false;
  /** ICE restart of a connection that lost its network path (media/ice-watch.ts); past the window, both are replaced. */
  readonly #iceWatch = new IceWatch({
    reconnecting: (connection) => this.#emit('onMediaReconnecting', { connection }),
    reconnected: (connection) => {
      this.#emit('onMediaReconnected', { connection });
      if (connection === 'subscriber') this.#askKeyFrames();
    },
    giveUp: (connection) => {
      // A screen share whose path did not come back ends (share again); the camera's and the subscriber's are replaced.
      if (connection === 'screen') void this.#screen.stop().catch((error) => this.#log.debug('stopping the screen share failed', error));
      else this.#restartMedia();
    },
    checkSignaling: () => this.#checkSignaling(),
    networkChanged: () => this.#resume?.networkChanged(),
    expectsMedia: () => othersSendMedia(this.#roster.list(), this.#roster.selfUid),
    log: scoped('ice'),
  });
  /** How each remote video is shown, for the server's choice of simulcast layer (session/video-view-reporter.ts). */
  readonly #videoViews = new VideoViewReporter({
    send: (views) => this.#signaling!.request('subscriber.views', { views }),
    active: () => this.#machine.is('joined'),
    debounceMs: DEFAULTS.videoViewDebounceMs,
    log: scoped('video-views'),
  });
  /** Our network quality and the call-quality samples, from getStats() of our connections (quality/). */
  readonly #quality = new QualityMonitor({
    connections: () => [
      ...[this.#publisher, this.#subscriber].flatMap((c) => (c && !c.isClosed ? [{ target: c.target, pc: c.pc }] : [])),
      ...(this.#screen.pc ? [{ target: 'screen' as const, pc: this.#screen.pc }] : []),
    ],
    active: () => this.#machine.is('joined'),
    sessionId: () => this.sessionId ?? '',
    measured: (quality) => {
      const self = this.#roster.selfUid;
      if (self) reportNetworkQuality(this.#context, self, quality);
    },
    send: (sample) => this.#signaling!.request('quality.sample', sample),
    intervalMs: DEFAULTS.qualitySampleIntervalMs,
    log: scoped('quality'),
  });
  readonly #machine: StateMachine<CallSessionState>;
  readonly #local: LocalMedia;
  #log: Logger;
  #signaling: SignalingClient | undefined;
  #publisher: PublisherConnection | undefined;
  #subscriber: SubscriberConnection | undefined;
  #joinTiming: JoinTiming | undefined;
  /** Our publisher negotiates once the subscriber's first answer is out (session/first-answer.ts). */
  readonly #firstAnswer = new FirstAnswer();
  /** What draws the session (none when headless): built by api/, destroyed by us as we end. */
  #view: SessionView | undefined;
  readonly #audio: AudioOutput;
  /** Our screen share, while there is one (media/screen-share.ts). */
  readonly #screen: ScreenShare;
  #joined: JoinResult | undefined;
  #ending: Promise<void> | undefined;
  /** The audio call became a video call (switchToVideoCall accepted). */
  #switchedToVideo = false;
  /** What the server told us beyond who is in the call; the event table's rows update it. */
  readonly #facts: CallFacts = { recording: false, videoRequest: undefined, activeSpeaker: null, screenSharer: null, networkQuality: new Map() };
  /** What the event table's rows may use of this session. */
  readonly #context: ServerEventContext;

  constructor(options: CallSessionOptions) {
    this.#opts = options;
    this.settings = options.settings;
    this.#log = scoped(`session ${options.sessionId ?? '?'}`);
    this.#events = new TypedEmitter<ArgsOf<CallEvents>>(listenerErrorsTo(this.#log));
    this.#machine = new StateMachine<CallSessionState>('idle', SESSION_TRANSITIONS, (from, to) => {
      this.#log.debug(`${from} -> ${to}`);
      this.#emit('stateChanged', to, from);
    });
    this.#local = new LocalMedia(options.media, options.settings.isAudioOnly, this.#log);
    this.#audio = new AudioOutput(options.media, this.#log);
    this.#screen = new ScreenShare({
      media: options.media,
      signaling: {
        publish: async (offer) => (await this.#signaling!.request('screen.publish', { jsep: { type: 'offer', sdp: offer.sdp } })).jsep,
        stop: () => this.#signaling!.request('screen.stop', {}),
        trickle: (candidate) => this.#signaling!.request('trickle', { target: 'screen', candidate }),
        restartIce: (offer) => this.#restartSendingIce('screen', offer),
      },
      rtcConfig: () => this.#rtcConfig(),
      watch: (connection) => this.#iceWatch.watch(connection),
      ...(options.videoCodec ? { videoCodec: options.videoCodec } : {}),
      // The browser's own "Stop sharing" ends it as stopScreenShare() does.
      ended: () => void this.#screen.stop().catch((error) => this.#log.debug('stopping the ended screen share failed', error)),
      lingerMs: DEFAULTS.screenShareLingerMs,
      log: scoped('screen share'),
    });
    const session = this;
    this.#context = {
      roster: this.#roster,
      facts: this.#facts,
      get sessionId() {
        return session.sessionId ?? '';
      },
      emit: (event, ...args) => this.#emit(event, ...args),
      answerSubscriberOffer: (jsep, streams) => this.#answerSubscriberOffer(jsep, streams),
      addRemoteCandidate: (target, candidate) => this.#onRemoteCandidate(target, candidate),
      becameVideoCall: (initiator, responder) => this.#becameVideoCall(initiator, responder),
      endedByServer: (reason) => this.#onSessionEnded(reason),
      restartMedia: () => this.#restartMedia(),
      screenShareEnded: () => this.#screen.endedByServer(),
    };
  }

  // ——— what the app reads ———

  get state(): CallSessionState {
    return this.#machine.state;
  }

  get sessionId(): string | undefined {
    return this.#joined?.sessionId ?? this.#opts.sessionId;
  }

  /** 'direct' (1:1) or 'group', known once joined. */
  get kind(): JoinResult['kind'] | undefined {
    return this.#joined?.kind;
  }

  get isRecording(): boolean {
    return this.#facts.recording;
  }

  /** Who speaks now, as the server last said (onActiveSpeakerChanged); null: nobody. */
  get activeSpeaker(): RTCUser | null {
    const uid = this.#facts.activeSpeaker;
    return (uid !== null && this.#roster.get(uid)) || null;
  }

  /** Who shares their screen now (onScreenShareStarted), possibly us; null: nobody. */
  get screenSharer(): RTCUser | null {
    const uid = this.#facts.screenSharer;
    return (uid !== null && this.#roster.get(uid)) || null;
  }

  /** Whether we capture and send our screen now. */
  get isSharingScreen(): boolean {
    return this.#screen.active;
  }

  /** Our screen share's peer connection, for tests and diagnostics (getStats); null when not sharing. */
  getScreenShareConnection(): PeerConnectionLike | null {
    return this.#screen.pc ?? null;
  }

  /** Audio-only: set so in the settings, and not switched to video since. */
  get isAudioOnly(): boolean {
    return this.settings.isAudioOnly && !this.#switchedToVideo;
  }

  get audioMode(): AudioMode | undefined {
    return this.#audio.mode;
  }

  getParticipants(): RTCUser[] {
    return this.#roster.list();
  }

  getLocalUser(): RTCUser | undefined {
    return this.#roster.self();
  }

  getLocalStream(): MediaStream | undefined {
    return this.#local.stream;
  }

  getRemoteStream(uid: string): MediaStream | undefined {
    return this.#subscriber?.getStream(uid);
  }

  /** One publication of a remote participant as its own stream, as `onRemoteStream` gave it (for apps that subscribe late). */
  getRemotePublicationStream(uid: string, source: PublicationSource): MediaStream | undefined {
    return this.#subscriber?.getPublicationStream({ uid, source });
  }

  /** The browser's peer connections, for tests and diagnostics (getStats); null before they exist. */
  getPeerConnections(): { publisher: PeerConnectionLike | null; subscriber: PeerConnectionLike | null } {
    return { publisher: this.#publisher?.pc ?? null, subscriber: this.#subscriber?.pc ?? null };
  }

  /** Our state machine of each peer connection (new → connecting → connected → failed/closed). */
  getPeerStates(): { publisher: PeerState | undefined; subscriber: PeerState | undefined } {
    return { publisher: this.#publisher?.state, subscriber: this.#subscriber?.state };
  }

  /** The participant a subscriber transceiver's mid carries, per the latest offer. */
  uidForMid(mid: string): string | undefined {
    return this.#subscriber?.uidForMid(mid);
  }

  on<E extends keyof CallEvents>(event: E, listener: CallEvents[E]): this {
    this.#events.on(event, listener as Listener<E>);
    return this;
  }

  off<E extends keyof CallEvents>(event: E, listener: CallEvents[E]): this {
    this.#events.off(event, listener as Listener<E>);
    return this;
  }

  // ——— starting ———

  /**
   * Opens devices, connects, joins and publishes. The devices open while the
   * socket connects and joins (joining needs no camera), so remote media can
   * start arriving before our own is ready; the publisher negotiates once
   * both are. Rejects with a ParleyError, leaving nothing behind: a join that
   * went through is left again, and every device opened is released.
   */
  async start(): Promise<void> {
    this.#machine.to('connecting');
    const { settings } = this;
    try {
      const [devices, joining] = await Promise.allSettled([
        this.#local.open({ audioMuted: settings.startAudioMuted, videoMuted: settings.startVideoMuted }),
        this.#connectAndJoin(),
      ]);
      // The devices' failure first: it is the one the user can act on (allow the camera).
      if (devices.status === 'rejected') throw devices.reason;
      if (joining.status === 'rejected') throw joining.reason;
      this.#checkStarting();
      const stream = devices.value;
      this.#emit('localStreamChanged', stream);
      this.#machine.to('joined');
      await this.#firstAnswer.wait(this.#joined!.participants.length > 0, DEFAULTS.publishAfterFirstAnswerMaxMs);
      this.#checkStarting('joined');
      await this.#publish(stream);
      this.#checkStarting('joined');
      this.#quality.start();
      this.#audio.watch((modes) => {
        if (!this.#isOver()) this.#emit('onAudioModeChanged', modes);
      });
      if (settings.defaultAudioMode) {
        this.setAudioMode(settings.defaultAudioMode).catch((error) => this.#log.warn('default audio mode not applied', error));
      }
    } catch (error) {
      const parley = asParleyError(error);
      await this.#end({ leave: this.#joined !== undefined });
      throw parley;
    }
  }

  /** Opens the socket and joins; the join's answer is taken at once, so events after it build on it. */
  async #connectAndJoin(): Promise<void> {
    const { settings } = this;
    await this.#connect();
    this.#checkStarting();
    this.#joinTiming = new JoinTiming(() => this.#subscriber?.pc, settings.isAudioOnly, (firstRemoteFrameMs) =>
      this.#signaling!.request('metrics.joinTiming', { firstRemoteFrameMs }),
    );
    const joining = this.#signaling!.request('join', {
      token: this.#opts.token,
      ...(this.#opts.sessionId ? { sessionId: this.#opts.sessionId } : {}),
      audioOnly: settings.isAudioOnly,
      audioMuted: settings.startAudioMuted,
      videoMuted: settings.isAudioOnly || settings.startVideoMuted,
      idleTimeoutSeconds: settings.idleTimeoutPeriod,
    });
    // While the join is on its way (the server's subscriber offer follows its answer): our receiving
    // peer connection, and the view.
    this.#openSubscriber();
    this.#view = this.#opts.view?.(this);
    const joined = await joining;
    this.#joined = joined;
    this.#useIceServers();
    this.#checkStarting();
    this.#facts.recording = joined.recording;
    this.#log = scoped(`session ${joined.sessionId} ${joined.self.uid}`);
    this.#roster.reset(joined.self, joined.participants);
    screenSharerIs(this.#context, joined.screenSharer ?? null);
  }

  #checkStarting(expected: CallSessionState = 'connecting'): void {
    if (!this.#machine.is(expected)) throw new ParleyError('INVALID_STATE', 'The session ended while it was starting');
  }

  /** `connectTimeoutMs`: a resume attempt's is short (DEFAULTS.resumeAttempts). */
  #newSignalingClient(connectTimeoutMs?: number): SignalingClient {
    return new SignalingClient(signalingUrl(this.#opts.serverUrl), {
      ...(connectTimeoutMs ? { connectTimeoutMs } : {}),
      ...(this.#opts.WebSocket ? { WebSocket: this.#opts.WebSocket } : {}),
      ...(this.#opts.requestTimeoutMs ? { requestTimeoutMs: this.#opts.requestTimeoutMs } : {}),
    });
  }

  /** Our socket: the one opened early when there is one (session/early-signaling.ts), else a new one. */
  async #connect(): Promise<void> {
    const early = this.#opts.earlySignaling?.take();
    await (early ? early.then((client) => this.#useSignaling(client)) : this.#useSignaling(undefined));
  }

  /** Our socket: the early one when it opened, else a new one. */
  async #useSignaling(early: SignalingClient | undefined): Promise<void> {
    if (early && !this.#machine.is('connecting')) early.close(); // the session ended while it opened
    this.#checkStarting();
    const signaling = early ?? this.#newSignalingClient();
    this.#signaling = signaling;
    this.#listen(signaling);
    if (!early) await signaling.connect();
  }

  /** Our receiving connection; the server's next subscriber offer goes to it. */
  #openSubscriber(): void {
    const subscriber = new SubscriberConnection(
      this.#opts.media,
      {
        // Through whichever socket is current: it changes when we resume.
        answer: (jsep) => {
          const sending = this.#signaling!.request('subscriber.answer', { jsep: { type: 'answer', sdp: jsep.sdp } });
          this.#firstAnswer.sent();
          return sending;
        },
        trickle: (candidate) => this.#signaling!.request('trickle', { target: 'subscriber', candidate }),
        restartIce: () => this.#signaling!.request('ice.restart', { target: 'subscriber' }),
      },
      this.#rtcConfig(),
    );
    this.#subscriber = subscriber;
    this.#iceWatch.watch(subscriber);
    subscriber.on('streamChanged', (uid, stream) => {
      if (this.#tellsOfMedia(uid, stream)) this.#emit('remoteStreamChanged', uid, stream);
    });
    subscriber.on('publicationChanged', ({ uid, source }, stream) => {
      if (!this.#tellsOfMedia(uid, stream)) return;
      if (stream) this.#joinTiming?.remoteMediaAnnounced();
      if (stream) this.#emit('onRemoteStream', { uid, source, stream });
      else this.#emit('onRemoteStreamRemoved', { uid, source });
    });
    subscriber.on('stateChanged', (state) => {
      if (state === 'failed') this.#emit('onError', new ParleyError('MEDIA_ERROR', 'The connection receiving remote media failed'));
    });
  }

  async #publish(stream: MediaStream): Promise<PublisherConnection> {
    const publisher = new PublisherConnection(
      this.#opts.media,
      {
        publish: async (offer) => (await this.#signaling!.request('publish', { jsep: { type: 'offer', sdp: offer.sdp } })).jsep,
        trickle: (candidate) => this.#signaling!.request('trickle', { target: 'publisher', candidate }),
        restartIce: (offer) => this.#restartSendingIce('publisher', offer),
      },
      this.#rtcConfig(),
      this.#opts.videoCodec,
    );
    this.#publisher = publisher;
    this.#iceWatch.watch(publisher);
    publisher.on('stateChanged', (state) => {
      if (state === 'failed') this.#emit('onError', new ParleyError('MEDIA_ERROR', 'The connection sending our media failed'));
    });
    const video = this.isAudioOnly ? undefined : (this.#local.videoTrack ?? 'empty');
    await publisher.start(this.#local.audioTrack, video, stream);
    return publisher;
  }

  /** ICE restart of a sending connection (camera or screen share): our offer with `iceRestart`, Janus's answer. */
  async #restartSendingIce(target: 'publisher' | 'screen', offer: Jsep): Promise<Jsep> {
    const { jsep } = await this.#signaling!.request('ice.restart', { target, jsep: { type: 'offer', sdp: offer.sdp } });
    if (!jsep) throw new ParleyError('MEDIA_ERROR', 'The server answered an ICE restart without an answer');
    return jsep;
  }

  /**
   * The server's `media.restart`: new publisher and subscriber connections, after any action under way
   * (media-recovery.ts). `afterResume`: the app heard onReconnecting for this outage already (once per outage).
   */
  #restartMedia(afterResume = false): void {
    const stream = this.#local.stream;
    if (!this.#machine.is('joined') || !stream) return;
    void this.#actions.run(() =>
      restartMedia({
        replaceConnections: () => {
          this.#publisher?.close();
          this.#subscriber?.close();
          this.#openSubscriber();
        },
        publishAgain: () => this.#publish(stream),
        stillWanted: () => !this.#isOver(),
        ...(afterResume ? {} : { reconnecting: () => this.#emit('onReconnecting') }),
        reconnected: () => this.#emit('onReconnected'),
        failed: (error) => this.#emit('onError', error),
        timeoutMs: DEFAULTS.mediaRestartTimeoutMs,
        log: this.#log,
      }),
    );
  }

  // ——— what the server tells us ———

  #listen(signaling: SignalingClient): void {
    for (const name of Object.keys(SERVER_EVENT_TABLE) as SessionEventName[]) this.#route(signaling, name);
    signaling.on('@close', (info) => {
      if (signaling === this.#signaling) this.#onSocketClosed(info);
    });
  }

  /** Server event `name` on this socket goes through its row of the table (server-event-table.ts). */
  #route<E extends SessionEventName>(signaling: SignalingClient, name: E): void {
    const row: Row<E> = SERVER_EVENT_TABLE[name];
    signaling.on(name, (data) => {
      if (row.when === 'joined' && !this.#machine.is('joined', 'connecting')) return;
      row.apply(this.#context, data as ServerEvents[E]);
    });
  }

  #answerSubscriberOffer(jsep: Jsep, streams: SubscriberStream[]): void {
    this.#subscriber?.handleOffer(jsep, streams).catch((error) => {
      if (this.#isOver()) return;
      this.#log.error('could not answer the subscriber offer', error);
      this.#emit('onError', asParleyError(error, 'MEDIA_ERROR'));
    });
  }

  /** Whether the app hears of this remote stream: not once ending, nor a new one of someone who has left (the next offer removes it). */
  #tellsOfMedia(uid: string, stream: MediaStream | null): boolean {
    if (this.#isOver()) return false;
    return !stream || !this.#machine.is('joined') || this.#roster.has(uid);
  }

  #onRemoteCandidate(target: PeerTarget, candidate: IceCandidate): void {
    if (target === 'screen') return this.#screen.addRemoteCandidate(candidate);
    const pc = target === 'publisher' ? this.#publisher : this.#subscriber;
    if (!pc) {
      this.#log.debug(`candidate for ${target} before it exists: dropped`);
      return;
    }
    pc.addRemoteCandidate(candidate).catch((error) => this.#log.debug('remote candidate failed', error));
  }

  #onSessionEnded(reason: SessionEndReason): void {
    this.#log.info(`ended by the server: ${reason}`);
    void this.#end({ reason, leave: false });
  }

  #onSocketClosed(info: CloseInfo): void {
    // While reconnecting, a failed attempt's socket closing is the loop's business.
    if (info.clean || this.#isOver() || this.#machine.is('reconnecting')) return;
    const error = new ParleyError('CONNECTION_CLOSED', `The connection to the server closed (${info.code}${info.reason ? ` ${info.reason}` : ''})`);
    // Closed by the server on purpose (the session ended for us), or not yet in the call: over.
    if (info.code === CLOSE_CODES.sessionEnded || !this.#machine.is('joined') || !this.#joined) {
      // In the call, an end we were not told the reason of is still an end of the call.
      void this.#end({ error, leave: false, ...(this.#machine.is('joined') ? { reason: 'call-ended' as const } : {}) });
      return;
    }
    void this.#reconnect(error);
  }

  /**
   * The socket dropped while media still flows browser ↔ Janus: open a new one
   * and `resume` with our resume token, until the server's grace period is
   * over. Others see nothing; we catch up on what changed meanwhile.
   */
  async #reconnect(cause: ParleyError): Promise<void> {
    this.#machine.to('reconnecting');
    this.#emit('onReconnecting');
    this.#resume = new ResumeRace({
      resumeToken: this.#joined!.resumeToken,
      policy: this.#opts.reconnectPolicy ?? new BackoffReconnectPolicy(),
      cause,
      openClient: () => {
        const signaling = this.#newSignalingClient(DEFAULTS.resumeAttempts.connectTimeoutMs);
        this.#listen(signaling);
        return signaling;
      },
      use: (signaling) => {
        this.#signaling = signaling; // before resume: the server resends a waiting offer at once
      },
      stillWanted: () => this.#machine.is('reconnecting'),
      overlapMs: DEFAULTS.resumeAttempts.overlapMs,
      log: this.#log,
    });
    const resumed = await this.#resume.outcome;
    this.#resume = undefined;
    if (!this.#machine.is('reconnecting')) return;
    if (!resumed || resumed === 'session-ended') {
      // The server stayed unreachable past the window, or it has no session left for us to resume.
      void this.#end({ error: cause, leave: false, reason: resumed ? 'call-ended' : 'server-unavailable' });
      return;
    }
    this.#catchUp(resumed);
    this.#machine.to('joined');
    // The session's media room was made anew while we were away (the server restarted): new connections,
    // and the app hears onReconnected once our media flows again.
    if (resumed.mediaRestart) {
      this.#restartMedia(true);
      return;
    }
    this.#emit('onReconnected');
    if (this.#keyFramesOwed) this.#askKeyFrames();
  }

  /** After a resume: tell the app who came and went while we were away. */
  #catchUp(resumed: JoinResult): void {
    this.#joined = resumed;
    this.#facts.recording = resumed.recording;
    const { joined, left, list } = this.#roster.resync(resumed.self, resumed.participants);
    for (const user of joined) this.#emit('onUserJoined', user);
    for (const user of left) reportLeft(this.#context, user);
    if (joined.length > 0 || left.length > 0) this.#emit('onUserListChanged', list);
    screenSharerIs(this.#context, resumed.screenSharer ?? null);
    this.#useIceServers();
    // Connections about to be replaced (mediaRestart) are not worth an ICE restart.
    if (!resumed.mediaRestart) this.#iceWatch.resumed();
  }

  /**
   * An address change leaves the socket half-open (requests vanish) while the network works:
   * when a ping goes unanswered but the server answers a new connection (`/healthz`), the socket
   * is dropped and the session resumes on a new one. While the link is down both fail: kept.
   */
  #checkSignaling(): void {
    const signaling = this.#signaling;
    if (!signaling || !this.#machine.is('joined') || this.#checkingSignaling) return;
    this.#checkingSignaling = true;
    const timeoutMs = DEFAULTS.iceRestart.pingTimeoutMs;
    void signaling
      .request('ping', {}, timeoutMs)
      .then(
        () => undefined,
        async () => {
          const reachable = await fetch(`${this.#opts.serverUrl}/healthz`, { cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) }).then(
            (r) => r.ok,
            () => false,
          );
          if (reachable && signaling === this.#signaling && this.#machine.is('joined')) signaling.drop('no answer to ping while the server is reachable');
        },
      )
      .finally(() => {
        this.#checkingSignaling = false;
      });
  }

  /**
   * Receiving again after an ICE restart: the server asks our publishers for key frames now, not when
   * the browser gets round to it. After a link's return the path can be back before the socket is.
   */
  #askKeyFrames(): void {
    const signaling = this.#signaling;
    this.#keyFramesOwed = !signaling?.isOpen || !this.#machine.is('joined');
    if (this.#keyFramesOwed) return;
    signaling?.request('subscriber.restored', {}).catch((error) => this.#log.debug('subscriber.restored failed', error));
  }

  /** Our peer connections' configuration: the app's, with the TURN servers and credentials of the latest join or resume. */
  #rtcConfig(): RTCConfiguration {
    return rtcConfigWith(this.#opts.rtcConfig, this.#joined?.iceServers);
  }

  /** Fresh TURN credentials (join, resume) for both connections' next ICE gathering. */
  #useIceServers(): void {
    for (const connection of [this.#subscriber, this.#publisher]) connection?.useConfiguration(this.#rtcConfig());
  }

  // ——— what the app does ———

  /** Mutes or unmutes our microphone: the track sends silence, and everyone is told. */
  audioMuted(muted: boolean): Promise<void> {
    guardBoolean('audioMuted', muted);
    return this.#act(async () => {
      this.#local.setAudioEnabled(!muted);
      await this.#sendMute({ audioMuted: muted });
    });
  }

  /** Starts recording the session on the server (harmless when it records already); everyone gets onRecordingToggled. */
  startRecording(): Promise<void> {
    return this.#requestWhileJoined('recording.start');
  }

  /** Stops the session's recording; the server then makes its file. */
  stopRecording(): Promise<void> {
    return this.#requestWhileJoined('recording.stop');
  }

  /**
   * Shares our screen (the browser asks which screen, window or tab): a second publication,
   * `screen`, with the tab's audio when the browser gives it. Everyone, we included, gets
   * onScreenShareStarted; a share someone else has running stops (one at a time). Not queued
   * behind other actions: browsers open the picker only while the click's user activation lasts.
   * Harmless while sharing. Rejects with SCREEN_SHARE_UNSUPPORTED, SCREEN_SHARE_CANCELLED or
   * SCREEN_SHARE_FAILED (nothing shared).
   */
  startScreenShare(): Promise<void> {
    if (!this.#machine.is('joined')) return Promise.reject(new ParleyError('NO_ACTIVE_SESSION', `The session is ${this.state}`));
    return this.#screen.start();
  }

  /** Ends our screen share (as the browser's own "Stop sharing" does); everyone gets onScreenShareStopped. Harmless when not sharing. */
  stopScreenShare(): Promise<void> {
    if (!this.#machine.is('joined')) return Promise.reject(new ParleyError('NO_ACTIVE_SESSION', `The session is ${this.state}`));
    return this.#screen.stop();
  }

  /** Pauses (camera released, nothing sent) or resumes our video. */
  videoPaused(paused: boolean): Promise<void> {
    guardBoolean('videoPaused', paused);
    if (this.isAudioOnly) return Promise.reject(new ParleyError('INVALID_STATE', 'This is an audio-only session'));
    return this.#act(async () => {
      if (paused) {
        await this.#publisher?.replaceVideo(null);
        this.#local.stopVideo();
      } else if (!this.#local.videoTrack) {
        const track = await this.#local.startVideo();
        if (this.#isOver()) {
          track.stop();
          return;
        }
        await this.#publisher?.replaceVideo(track);
      }
      this.#emit('localStreamChanged', this.#local.stream ?? null);
      await this.#sendMute({ videoMuted: paused });
    });
  }

  /** Moves to the next camera (or flips front/back on phones). */
  switchCamera(): Promise<void> {
    if (this.isAudioOnly) return Promise.reject(new ParleyError('INVALID_STATE', 'This is an audio-only session'));
    return this.#act(async () => {
      const track = await this.#local.switchCamera();
      if (!track) return;
      await this.#publisher?.replaceVideo(track);
      this.#emit('localStreamChanged', this.#local.stream ?? null);
    });
  }

  /** "Stay" in the idle warning (onIdleWarning): the idle countdown starts again from the full period. */
  stayInSession(): Promise<void> {
    return this.#requestWhileJoined('session.stay');
  }

  /**
   * The seed's switchToVideoCall: asks the others to switch this audio call to
   * video. Resolves once asked; the answer comes as onCallSwitchedToVideo (both
   * sides' cameras start) or onCallSwitchToVideoDeclined.
   */
  switchToVideoCall(): Promise<void> {
    return this.#requestWhileJoined('video.requestSwitch');
  }

  /** Accepts the pending request (onCallSwitchToVideoRequested): everyone gets onCallSwitchedToVideo. */
  acceptVideoSwitch(): Promise<void> {
    return this.#answerVideoSwitch(true);
  }

  /** Declines the pending request: everyone, the asker included, gets onCallSwitchToVideoDeclined. */
  declineVideoSwitch(): Promise<void> {
    return this.#answerVideoSwitch(false);
  }

  #answerVideoSwitch(accept: boolean): Promise<void> {
    if (this.#facts.videoRequest === undefined) return Promise.reject(new ParleyError('INVALID_STATE', 'Nobody asked to switch to video'));
    return this.#act(async () => {
      this.#facts.videoRequest = undefined;
      await this.#signaling!.request('video.answerSwitch', { accept });
    });
  }

  /** The session is a video session now: the one who asked and the one who accepted turn their cameras on. */
  #becameVideoCall(initiator: string, responder: string): void {
    const wasAudioOnly = this.isAudioOnly;
    this.#switchedToVideo = true;
    this.#local.allowVideo();
    const self = this.#roster.selfUid;
    // Everyone else in a group call may turn theirs on with videoPaused(false).
    if (!wasAudioOnly || (self !== initiator && self !== responder)) return;
    this.videoPaused(false).catch((error) => {
      if (!this.#isOver()) this.#emit('onError', asParleyError(error, 'MEDIA_ERROR'));
    });
  }

  /** Routes remote audio to the output device of that mode. */
  /**
   * Not in the seed, for UIs: how `uid`'s video is shown now, in CSS pixels (0 × 0: not shown at
   * all). The server sends each remote video at the simulcast layer that fits, or none while it is
   * not shown; a video never reported comes at the full picture. The default UI reports its tiles.
   */
  setRemoteVideoView(uid: string, size: { width: number; height: number }, source: 'camera' | 'screen' = 'camera'): void {
    if (typeof uid !== 'string' || !Number.isFinite(size?.width) || !Number.isFinite(size?.height)) {
      throw new ParleyError('VALIDATION_FAILED', 'setRemoteVideoView needs a uid and a { width, height } in pixels');
    }
    this.#videoViews.report(uid, source, size);
  }

  setAudioMode(mode: AudioMode): Promise<void> {
    if (!AUDIO_MODES.includes(mode)) {
      return Promise.reject(new ParleyError('VALIDATION_FAILED', `setAudioMode expects one of ${AUDIO_MODES.join(', ')}`));
    }
    return this.#act(() => this.#audio.setMode(mode));
  }

  /** The audio modes the current output devices offer. */
  getAudioOutputModes(): Promise<AudioMode[]> {
    return this.#audio.modes();
  }

  /** How this browser lets the user choose where audio plays (see AudioOutputChoice). */
  get audioOutputChoice(): AudioOutputChoice {
    return this.#audio.choice;
  }

  /** Opens the browser's own output picker (audioOutputChoice `picker`, from a click); the mode chosen, or undefined. */
  pickAudioOutput(): Promise<AudioMode | undefined> {
    // Not queued behind other actions: the picker opens only while the click's user activation lasts.
    if (!this.#machine.is('joined')) return Promise.reject(new ParleyError('NO_ACTIVE_SESSION', `The session is ${this.state}`));
    return this.#audio.pick();
  }

  /** For views (the default UI, the plain layout, an app's own): an element playing remote audio, routed by setAudioMode. */
  attachOutputElement(element: HTMLMediaElement): void {
    this.#audio.attach(element);
  }

  detachOutputElement(element: HTMLMediaElement): void {
    this.#audio.detach(element);
  }

  /** Leaves the session and releases everything; safe to call more than once. */
  endSession(): Promise<void> {
    return this.#end({ leave: this.#machine.is('joined') });
  }

  /** Picture-in-picture, as the view does it: the default UI moves into a PiP window, the plain layout puts a remote video in video PiP. */
  enterPIPMode(): Promise<void> {
    if (!this.#machine.is('joined')) return Promise.reject(new ParleyError('NO_ACTIVE_SESSION', `The session is ${this.state}`));
    const enter = this.#view?.enterPIPMode();
    if (!enter) return Promise.reject(new ParleyError('INVALID_STATE', 'There is no video to show in picture-in-picture'));
    return Promise.resolve(enter).then(
      () => undefined,
      (error) => Promise.reject(asParleyError(error)),
    );
  }

  /** Leaves the view's picture-in-picture; without a view (headless) there is none to leave. */
  exitPIPMode(): Promise<void> {
    return this.#view ? this.#view.exitPIPMode() : Promise.resolve();
  }

  /** For UIs: reports the seed's onCallEndButtonPressed (the app then calls endSession). */
  pressEndCallButton(): void {
    this.#emit('onCallEndButtonPressed');
  }

  /** A request with no parameters, as a user action. */
  #requestWhileJoined(type: 'recording.start' | 'recording.stop' | 'session.stay' | 'video.requestSwitch'): Promise<void> {
    return this.#act(async () => {
      await this.#signaling!.request(type, {});
    });
  }

  /** Runs a user action after the ones before it, only while joined. */
  #act(step: () => Promise<void>): Promise<void> {
    if (!this.#machine.is('joined')) return Promise.reject(new ParleyError('NO_ACTIVE_SESSION', `The session is ${this.state}`));
    return this.#actions.run(async () => {
      if (!this.#machine.is('joined')) throw new ParleyError('NO_ACTIVE_SESSION', `The session is ${this.state}`);
      await step();
    });
  }

  async #sendMute(change: { audioMuted?: boolean; videoMuted?: boolean }): Promise<void> {
    const { participant } = await this.#signaling!.request('mute', change);
    // Our own change is reported the way the server reports everyone else's.
    if (!this.#isOver()) SERVER_EVENT_TABLE['participant.muted'].apply(this.#context, { participant, mutedBy: participant.uid });
  }

  // ——— ending ———

  #isOver(): boolean {
    return this.#machine.is('ending', 'ended');
  }

  #end(how: Ending): Promise<void> {
    if (this.#ending) return this.#ending;
    this.#machine.to('ending');
    this.#ending = this.#teardown(how);
    return this.#ending;
  }

  async #teardown(how: Ending): Promise<void> {
    // Let the caller of #end hold the promise before any listener runs (a listener may call endSession).
    await Promise.resolve();
    if (how.error) this.#emit('onError', how.error);
    if (how.reason === 'timeout') this.#emit('onSessionTimeout');
    else if (how.reason) this.#emit('onCallEnded', { reason: how.reason });
    const signaling = this.#signaling;
    if (how.leave && signaling?.isOpen) {
      await signaling.request('leave', {}, DEFAULTS.leaveTimeoutMs).catch((error) => this.#log.debug('leave failed', error));
    }
    this.#joinTiming?.stop();
    this.#quality.stop();
    this.#videoViews.stop();
    this.#iceWatch.close();
    this.#resume?.cancel();
    this.#audio.close();
    this.#publisher?.close();
    this.#subscriber?.close();
    this.#screen.release();
    this.#local.stop();
    signaling?.close(1000, 'session ended');
    this.#view?.destroy();
    this.#machine.to('ended');
    this.#events.removeAllListeners();
  }

  #emit<E extends keyof CallEvents>(event: E, ...args: ArgsOf<CallEvents>[E]): void {
    this.#events.emit(event, ...args);
    const delegate = this.settings.delegate;
    const method = delegate?.[event];
    if (typeof method !== 'function') return;
    try {
      (method as (...a: unknown[]) => void).apply(delegate, args);
    } catch (error) {
      this.#log.error(`delegate ${event} threw`, error);
    }
  }
}
