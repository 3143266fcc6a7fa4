/**
 * Starting a session: devices, socket, join and publisher. The devices open
 * as the join goes out (joining needs no camera), so remote media can start
 * arriving before our own is ready: our receiving connection is made while
 * the join is on its way, for the server's subscriber offer that follows the
 * join's answer; so does the view's code when it is still loading (server
 * events wait for the join and the view: see #join). Our own tile and the
 * joined state wait, a little at most, for the subscriber's first answer to
 * be out (#firstAnswer below); in an audio-only call, the microphone opens
 * only then too. In a video call our publisher waits, a little at most, for
 * our first remote frame (run() says why). The socket is the one
 * `generateToken` opened ahead when there is one (early-signaling.ts), which
 * also set the browser's WebRTC up.
 */
import { type JoinResult, ParleyError, type StateMachine } from '@parley/protocol';
import type { CallSessionState } from '../api/events.ts';
import { DEFAULTS } from '../defaults.ts';
import type { LocalMedia } from '../media/local-media.ts';
import type { SubscriberConnection } from '../media/subscriber-connection.ts';
import { Once } from '../util/once.ts';
import { JoinTiming } from './join-timing.ts';
import type { CallSessionOptions } from './options.ts';
import { screenSharerIs } from './screen-share-events.ts';
import type { ServerEventContext } from './server-event-table.ts';
import type { SessionViewFactory } from './session-view.ts';
import { newSignalingClient, type SignalingClient } from './signaling-client.ts';

/** What starting needs of the session. */
export interface StartContext extends ServerEventContext {
  /** The session's states: this part moves connecting → joined. */
  readonly machine: StateMachine<CallSessionState>;
  readonly opts: CallSessionOptions;
  readonly local: LocalMedia;
  readonly subscriber: SubscriberConnection | undefined;
  /** The socket requests go through. */
  signaling: SignalingClient | undefined;
  /** Routes a socket's server events and its close to the session. */
  listen(signaling: SignalingClient): void;
  /** Our receiving connection; the server's next subscriber offer goes to it. */
  openSubscriber(): void;
  /** Builds what draws the session with this factory, if any. */
  openView(factory: SessionViewFactory | undefined): void;
  /** The server events that came while the join was on its way are applied now, in order; later ones at once. */
  releaseEvents(): void;
  /** A join's or a resume's result: who we are in the session, its TURN servers, whether it records. */
  tookJoin(result: JoinResult): void;
  /** Our publisher connection, negotiated with the server. */
  publish(stream: MediaStream): Promise<unknown>;
}

export class SessionStart {
  readonly #s: StartContext;
  /**
   * Our own tile, the joined state and an audio-only call's microphone wait, a
   * little at most, for the subscriber's first answer to go out (the publisher
   * waits longer still: see run()). Chromium negotiates every peer connection of a page
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
   * "Out" includes our first ICE candidate: Chromium hands it to the page on the
   * main thread, and a publisher made right after the answer held it back
   * (media/subscriber-connection.ts; bench:join: first video frame 210 against
   * 267 ms, audio-only first audio 143 against 165 ms, with the view's drawing
   * held back too).
   */
  readonly #firstAnswer = new Once();
  /** What draws the session, its code perhaps still loading. */
  readonly #view: Promise<SessionViewFactory | undefined>;
  #joinTiming: JoinTiming | undefined;

  constructor(context: StartContext) {
    this.#s = context;
    this.#view = Promise.resolve(context.opts.view);
    // A start that fails before it waits for the view leaves a failed load unread.
    this.#view.catch(() => undefined);
  }

  /**
   * Opens devices, connects, joins and publishes; the session is joined once
   * the devices are open and the join answered. Rejects with the devices'
   * failure first (the one the user can act on: allow the camera), else the
   * join's (an audio-only call's microphone is not asked for when the join
   * fails); the session then ends.
   */
  async run(): Promise<void> {
    const s = this.#s;
    const { settings } = s.opts;
    const open = () => s.local.open({ audioMuted: settings.startAudioMuted, videoMuted: settings.startVideoMuted });
    const connected = this.#connect();
    const joined = this.#join(connected);
    // A video call opens the devices once the join is out (#join's wait for the socket is answered first, and
    // sends it at once), or once connecting failed (their error comes first): asking for them holds the page
    // ~2 ms. An audio-only call opens the microphone once our first answer is out (#firstAnswer). Neither asks
    // once the session has ended meanwhile (devices that open as it ends are released: local-media.ts).
    const opening = settings.isAudioOnly
      ? joined.then(async (result) => {
          await this.#first(this.#firstAnswer, result);
          this.#check();
          return open();
        })
      : connected.then(() => {
          this.#check();
          return open();
        }, open);
    const [devices, joining] = await Promise.allSettled([opening, joined]);
    if (devices.status === 'rejected') throw devices.reason;
    if (joining.status === 'rejected') throw joining.reason;
    // Our own tile is drawn once our first answer is out too: drawing it (a <video>, the page's style and
    // layout) held the answer back by ~15 ms when the camera opened just after the offer came.
    await this.#first(this.#firstAnswer, joining.value);
    this.#check();
    const stream = devices.value;
    s.emit('localStreamChanged', stream);
    s.machine.to('joined');
    // In a video call, our publisher negotiates once our first remote frame is decoded (JoinTiming watches for it), a
    // little at most. Its offer, its ICE and DTLS and its encoders' start took the page and the machine just when
    // receiving needed them, wherever they fell before that frame: with the publisher going right after our first
    // answer, bench:join had the first remote frame at 183 ms p50 over 90 joins (1.29x the bare Janus page's), with it
    // waiting 166 ms (1.17x); moving it to other points before the frame (after DTLS, after the first packet,
    // negotiated ahead without tracks) gained nothing (docs/benchmarks.md, join, session 10). The others see our video
    // that much later (~115 ms in that run); they have had us in their roster since our join. An audio-only call's
    // publisher goes once our first answer is out, with the microphone: waiting for our first audio packet, two A/B
    // runs had that packet at 167 and 174 ms against 159 and 152 ms.
    if (!settings.isAudioOnly) {
      await this.#first(this.#joinTiming?.firstMedia, joining.value);
      this.#check('joined');
    }
    await s.publish(stream);
    this.#check('joined');
  }

  /** The subscriber's answer went out, and its first ICE candidate: the first time, our publisher may negotiate. */
  answerSent(): void {
    this.#firstAnswer.happen();
  }

  /** Someone else's media was announced: the join's timing watches for its first frame. */
  remoteMediaAnnounced(): void {
    this.#joinTiming?.remoteMediaAnnounced();
  }

  /** The session ends: the join's timing, if still watching, stops. */
  stop(): void {
    this.#joinTiming?.stop();
  }

  /** Joins once the socket is `connected`; the join's answer is taken at once, so events after it build on it. */
  async #join(connected: Promise<void>): Promise<JoinResult> {
    const s = this.#s;
    const { settings } = s.opts;
    await connected;
    this.#check();
    this.#joinTiming = new JoinTiming(() => s.subscriber?.pc, settings.isAudioOnly, (firstRemoteFrameMs) =>
      s.signaling!.request('metrics.joinTiming', { firstRemoteFrameMs }),
    );
    const joining = s.signaling!.request('join', {
      token: s.opts.token,
      ...(s.opts.sessionId ? { sessionId: s.opts.sessionId } : {}),
      audioOnly: settings.isAudioOnly,
      audioMuted: settings.startAudioMuted,
      videoMuted: settings.isAudioOnly || settings.startVideoMuted,
      idleTimeoutSeconds: settings.idleTimeoutPeriod,
    });
    // While the join is on its way (the server's subscriber offer follows its answer): our receiving
    // peer connection, and the view, built once its code is loaded. The code used to load before the
    // join left: a chunk fetched from the server while nothing else went on (docs/benchmarks.md, join).
    s.openSubscriber();
    const [answer, view] = await Promise.allSettled([joining, this.#view.then((factory) => s.openView(factory))]);
    if (view.status === 'rejected') {
      // Joined all the same: taken, so that the session leaves as it ends.
      if (answer.status === 'fulfilled') s.tookJoin(answer.value);
      throw view.reason;
    }
    if (answer.status === 'rejected') throw answer.reason;
    const joined = answer.value;
    s.tookJoin(joined);
    this.#check();
    s.roster.reset(joined.self, joined.participants);
    screenSharerIs(s, joined.screenSharer ?? null);
    s.releaseEvents();
    return joined;
  }

  /** Our socket: the one opened early when it opened (undefined when there is none, or it failed), else a new one. */
  async #connect(): Promise<void> {
    const s = this.#s;
    const early = await s.opts.earlySignaling?.take();
    if (early && !s.machine.is('connecting')) early.close(); // the session ended while it opened
    this.#check();
    const signaling = early ?? newSignalingClient(s.opts);
    s.signaling = signaling;
    s.listen(signaling);
    if (!early) await signaling.connect();
  }

  /** Resolves once `what` has happened, a little at most; at once when nobody else is in the call. */
  async #first(what: Once | undefined, { participants }: JoinResult): Promise<void> {
    if (participants.length > 0) await what?.wait(DEFAULTS.receiveFirstMaxMs);
  }

  #check(expected: CallSessionState = 'connecting'): void {
    if (!this.#s.machine.is(expected)) throw new ParleyError('INVALID_STATE', 'The session ended while it was starting');
  }
}
