/**
 * One call, and the coordinator of its parts. It holds the session's state
 * machine (the moves allowed are session-state.ts's table; each part makes the
 * moves its step is about, through it), the app's events, the user's actions
 * one at a time, our peer connections and the end. The parts: starting
 * (session-start.ts: devices, socket, join, publisher), staying in the call
 * when the socket drops (reconnection.ts), the switch of an audio call to
 * video (video-switch.ts), where remote audio plays (audio-output.ts), and
 * what the server tells us (server-event-table.ts). They see the session
 * through one context object, each as the interface it declares.
 */
import {
  type ArgsOf,
  type IceCandidate,
  type JoinResult,
  type Jsep,
  ParleyError,
  type PeerTarget,
  type PublicationSource,
  SerialQueue,
  type ServerEvents,
  StateMachine,
  type SubscriberStream,
  TypedEmitter,
} from '@parley/protocol';
import { AUDIO_MODES, type AudioMode, type CallEvents, type CallSessionState, type RTCUser } from '../api/events.ts';
import type { CallSettings } from '../api/call-settings.ts';
import { DEFAULTS } from '../defaults.ts';
import { screenShareSupported } from '../media/device-hints.ts';
import type { AudioOutputDevice } from '../media/devices.ts';
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
import { restartMedia } from './media-recovery.ts';
import { othersSendMedia } from './remote-media.ts';
import { Reconnection, type ReconnectionContext } from './reconnection.ts';
import { SessionStart, type StartContext } from './session-start.ts';
import { VideoSwitch, type VideoSwitchContext } from './video-switch.ts';
import { VideoViewReporter } from './video-view-reporter.ts';
import type { CallSessionOptions } from './options.ts';
import { type Ending, SESSION_TRANSITIONS } from './session-state.ts';
import type { SessionView } from './session-view.ts';
import { type CallFacts, type Row, SERVER_EVENT_TABLE, type SessionEventName } from './server-event-table.ts';
import type { SignalingClient } from './signaling-client.ts';

export type { CallSessionOptions };

/** A listener of the session's emitter, typed by its argument tuple. */
type Listener<E extends keyof CallEvents> = (...args: ArgsOf<CallEvents>[E]) => unknown;

/** What the parts (and the server-event table's rows) may use of the session: one object, each part's interface. */
type SessionContext = StartContext & ReconnectionContext & VideoSwitchContext;

export class CallSession {
  readonly settings: CallSettings;
  readonly #opts: CallSessionOptions;
  readonly #events: TypedEmitter<ArgsOf<CallEvents>>;
  readonly #actions = new SerialQueue();
  readonly #roster = new Roster();
  /** ICE restart of a connection that lost its network path (media/ice-watch.ts); past the window, both are replaced. */
  readonly #iceWatch = new IceWatch({
    reconnecting: (connection) => this.#emit('onMediaReconnecting', { connection }),
    reconnected: (connection) => {
      this.#emit('onMediaReconnected', { connection });
      if (connection === 'subscriber') this.#reconnection.receivingAgain();
    },
    giveUp: (connection) => {
      // A screen share whose path did not come back ends (share again); the camera's and the subscriber's are replaced.
      if (connection === 'screen') void this.#screen.stop().catch((error) => this.#log.debug('stopping the screen share failed', error));
      else this.#restartMedia(false, true);
    },
    checkSignaling: () => this.#reconnection.checkSignaling(),
    networkChanged: () => this.#reconnection.networkChanged(),
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
  /** What draws the session (none when headless): built by api/, destroyed by us as we end. */
  #view: SessionView | undefined;
  /**
   * Server events that arrived while the session started, until its join is taken and its view
   * built (SessionStart releases them): the view, its code perhaps still loading as the join went
   * out, hears every event, and every event comes after the join's answer. Undefined once released.
   */
  #held: Array<() => void> | undefined = [];
  readonly #audio: AudioOutput;
  /** Our screen share, while there is one (media/screen-share.ts). */
  readonly #screen: ScreenShare;
  #joined: JoinResult | undefined;
  #ending: Promise<void> | undefined;
  /** What the server told us beyond who is in the call; the event table's rows update it. */
  readonly #facts: CallFacts = { recording: false, videoRequest: undefined, activeSpeaker: null, screenSharer: null, networkQuality: new Map() };
  readonly #context: SessionContext;
  readonly #starting: SessionStart;
  readonly #reconnection: Reconnection;
  readonly #videoSwitch: VideoSwitch;

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
      machine: this.#machine,
      opts: options,
      local: this.#local,
      iceWatch: this.#iceWatch,
      get sessionId() {
        return session.sessionId ?? '';
      },
      get signaling() {
        return session.#signaling;
      },
      set signaling(client) {
        session.#signaling = client;
      },
      get subscriber() {
        return session.#subscriber;
      },
      get joined() {
        return session.#joined;
      },
      get log() {
        return session.#log;
      },
      emit: (event, ...args) => this.#emit(event, ...args),
      listen: (signaling) => this.#listen(signaling),
      openSubscriber: () => this.#openSubscriber(),
      openView: (factory) => {
        this.#view = factory?.(this);
      },
      releaseEvents: () => {
        const held = this.#held ?? [];
        this.#held = undefined;
        for (const apply of held) apply();
      },
      tookJoin: (result) => this.#tookJoin(result),
      publish: (stream) => this.#publish(stream),
      end: (how) => void this.#end(how),
      act: (step) => this.#act(step),
      videoPaused: (paused) => this.videoPaused(paused),
      answerSubscriberOffer: (jsep, streams) => this.#answerSubscriberOffer(jsep, streams),
      addRemoteCandidate: (target, candidate) => this.#onRemoteCandidate(target, candidate),
      becameVideoCall: (initiator, responder) => this.#videoSwitch.becameVideoCall(initiator, responder),
      endedByServer: (reason) => {
        this.#log.info(`ended by the server: ${reason}`);
        void this.#end({ reason, leave: false });
      },
      restartMedia: (afterResume) => this.#restartMedia(afterResume),
      screenShareEnded: () => this.#screen.endedByServer(),
    };
    this.#starting = new SessionStart(this.#context);
    this.#reconnection = new Reconnection(this.#context);
    this.#videoSwitch = new VideoSwitch(this.#context);
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
    return this.#videoSwitch.audioOnly;
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
   * Opens devices, connects, joins and publishes (session-start.ts), then
   * watches our network quality and the audio outputs. Rejects with a
   * ParleyError, leaving nothing behind: a join that went through is left
   * again, and every device opened is released.
   */
  async start(): Promise<void> {
    this.#machine.to('connecting');
    try {
      await this.#starting.run();
      this.#quality.start();
      this.#audio.watch((modes) => {
        if (!this.#isOver()) this.#emit('onAudioModeChanged', modes);
      });
      const mode = this.settings.defaultAudioMode;
      if (mode) this.setAudioMode(mode).catch((error) => this.#log.warn('default audio mode not applied', error));
    } catch (error) {
      const parley = asParleyError(error);
      await this.#end({ leave: this.#joined !== undefined });
      throw parley;
    }
  }

  /** A join's or a resume's result: the session's id and ours, its TURN servers, whether it records. */
  #tookJoin(result: JoinResult): void {
    this.#joined = result;
    this.#facts.recording = result.recording;
    this.#log = scoped(`session ${result.sessionId} ${result.self.uid}`);
    this.#useIceServers();
  }

  // ——— our peer connections ———

  /** Our receiving connection; the server's next subscriber offer goes to it. */
  #openSubscriber(): void {
    const subscriber = new SubscriberConnection(
      this.#opts.media,
      {
        // Through whichever socket is current: it changes when we resume.
        answer: (jsep) => this.#signaling!.request('subscriber.answer', { jsep: { type: 'answer', sdp: jsep.sdp } }),
        trickle: (candidate) => this.#signaling!.request('trickle', { target: 'subscriber', candidate }),
        restartIce: () => this.#signaling!.request('ice.restart', { target: 'subscriber' }),
      },
      this.#rtcConfig(),
    );
    this.#subscriber = subscriber;
    this.#iceWatch.watch(subscriber);
    subscriber.on('answered', () => this.#starting.answerSent());
    // Told after the server events held while the session starts, as the offer that made them would have been.
    subscriber.on('streamChanged', (uid, stream) =>
      this.#afterHeld(() => {
        if (this.#tellsOfMedia(uid, stream)) this.#emit('remoteStreamChanged', uid, stream);
      }),
    );
    subscriber.on('publicationChanged', ({ uid, source }, stream) =>
      this.#afterHeld(() => {
        if (!this.#tellsOfMedia(uid, stream)) return;
        if (stream) this.#starting.remoteMediaAnnounced();
        if (stream) this.#emit('onRemoteStream', { uid, source, stream });
        else this.#emit('onRemoteStreamRemoved', { uid, source });
      }),
    );
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
   * `ours`: our ICE restarts gave up, and the server hears of the new connections first (`media.replace`).
   */
  #restartMedia(afterResume = false, ours = false): void {
    const stream = this.#local.stream;
    if (!this.#machine.is('joined') || !stream) return;
    void this.#actions.run(() =>
      restartMedia({
        replaceConnections: () => {
          this.#publisher?.close();
          this.#subscriber?.close();
          this.#openSubscriber();
        },
        ...(ours ? { tellServer: () => this.#signaling!.request('media.replace', {}) } : {}),
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
      if (signaling === this.#signaling) this.#reconnection.socketClosed(info);
    });
  }

  /** Server event `name` on this socket goes through its row of the table (server-event-table.ts). */
  #route<E extends SessionEventName>(signaling: SignalingClient, name: E): void {
    const row: Row<E> = SERVER_EVENT_TABLE[name];
    const apply = (data: unknown) => {
      if (row.when === 'joined' && !this.#machine.is('joined', 'connecting')) return;
      row.apply(this.#context, data as ServerEvents[E]);
    };
    // An 'atOnce' row (a subscriber offer) is not held; the streams it brings are told in order still (#openSubscriber).
    signaling.on(name, (data) => (row.when === 'atOnce' ? apply(data) : this.#afterHeld(() => apply(data))));
  }

  /** Runs `apply` now, or, while server events are held as the session starts, once they are released, after them. */
  #afterHeld(apply: () => void): void {
    if (this.#held) this.#held.push(apply);
    else apply();
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
    if (target === 'screen') {
      this.#screen.addRemoteCandidate(candidate);
      return;
    }
    const pc = target === 'publisher' ? this.#publisher : this.#subscriber;
    if (!pc) {
      this.#log.debug(`candidate for ${target} before it exists: dropped`);
      return;
    }
    pc.addRemoteCandidate(candidate).catch((error) => this.#log.debug('remote candidate failed', error));
  }

  /** Our peer connections' configuration: the app's, with the TURN servers and credentials of the latest join or resume. */
  #rtcConfig(): RTCConfiguration {
    return rtcConfigWith(this.#opts.rtcConfig, this.#joined?.iceServers);
  }

  /** Fresh TURN credentials (join, resume) for every connection's next ICE gathering, the screen share's too. */
  #useIceServers(): void {
    for (const connection of [this.#subscriber, this.#publisher, this.#screen]) connection?.useConfiguration(this.#rtcConfig());
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
    return this.#nowIfJoined(() => this.#screen.start());
  }

  /** Ends our screen share (as the browser's own "Stop sharing" does); everyone gets onScreenShareStopped. Harmless when not sharing. */
  stopScreenShare(): Promise<void> {
    return this.#nowIfJoined(() => this.#screen.stop());
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
    return this.#videoSwitch.answer(true);
  }

  /** Declines the pending request: everyone, the asker included, gets onCallSwitchToVideoDeclined. */
  declineVideoSwitch(): Promise<void> {
    return this.#videoSwitch.answer(false);
  }

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

  // ——— where remote audio plays (audio-output.ts) ———

  /** Routes remote audio to the output device of that mode. */
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

  /** The audio output devices, each with the mode its label suggests (the default output alone where nothing can be routed). */
  getAudioOutputs(): Promise<AudioOutputDevice[]> {
    return this.#audio.outputs();
  }

  /** Whether startScreenShare can capture the screen in this browser (desktop browsers over https, not phones or WebViews). */
  get canShareScreen(): boolean {
    return !!this.#opts.media.getDisplayMedia && screenShareSupported();
  }

  /** How this browser lets the user choose where audio plays (see AudioOutputChoice). */
  get audioOutputChoice(): AudioOutputChoice {
    return this.#audio.choice;
  }

  /** Opens the browser's own output picker (audioOutputChoice `picker`, from a click); the mode chosen, or undefined. */
  pickAudioOutput(): Promise<AudioMode | undefined> {
    // Not queued behind other actions: the picker opens only while the click's user activation lasts.
    return this.#nowIfJoined(() => this.#audio.pick());
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
    return this.#nowIfJoined(async () => {
      const enter = this.#view?.enterPIPMode();
      if (!enter) throw new ParleyError('INVALID_STATE', 'There is no video to show in picture-in-picture');
      await Promise.resolve(enter).catch((error) => Promise.reject(asParleyError(error)));
    });
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
    return this.#nowIfJoined(() => this.#actions.run(() => this.#nowIfJoined(step)));
  }

  /** Runs `step` at once while joined; else rejects with NO_ACTIVE_SESSION, nothing done. */
  async #nowIfJoined<T>(step: () => Promise<T>): Promise<T> {
    if (!this.#machine.is('joined')) throw new ParleyError('NO_ACTIVE_SESSION', `The session is ${this.state}`);
    return step();
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
    this.#starting.stop();
    this.#quality.stop();
    this.#videoViews.stop();
    this.#iceWatch.close();
    this.#reconnection.cancel();
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
