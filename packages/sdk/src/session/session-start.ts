/**
 * Starting a session: socket, join, receiving, then devices and publisher.
 * Remote media comes first: our receiving connection is made while the join
 * is on its way, for the server's subscriber offer that follows the join's
 * answer; so is the view, once its code is loaded (server events wait for
 * the join and the view: see #join). Our devices, our own tile, the joined
 * state and our publisher wait, a little at most, for our first answer to be
 * out and our first remote frame to be decoded (run() says why). The socket
 * is the one `generateToken` opened ahead when there is one
 * (early-signaling.ts), which also set the browser's WebRTC up.
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
   * Our subscriber's first answer is out, and its first ICE candidate: the
   * devices wait for it, then for our first remote frame (run()). Chromium
   * negotiates every peer connection of a page on one signaling thread, and
   * hands candidates to the page on its main thread: opening the microphone
   * (capture, audio processing) as the offer arrived had the page handle the
   * offer at 105–113 ms instead of 53 ms in one bench:join run, and a
   * publisher made right after the answer held our first candidate back
   * (media/subscriber-connection.ts; docs/benchmarks.md, join).
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
   * Connects, joins, opens the devices and publishes; the session is joined once
   * the join is answered and the devices are open. Rejects with the join's
   * failure (the devices are then never asked for: no camera light for a call
   * that did not happen), else the devices' (the join is left again); the
   * session then ends.
   */
  async run(): Promise<void> {
    const s = this.#s;
    const { settings } = s.opts;
    const joined = await this.#join();
    // Our devices open once receiving has begun: our first answer out, then our first remote frame decoded (an
    // audio-only call: our first audio packet), each waited for a little at most. Opening them at once, beside
    // the join, put the camera's start (its capture, our own tile's video) in the window of our receiving
    // connection's ICE and DTLS and the first frame's decoding, and the first remote frame came later by as much
    // as the bare Janus page that also opens its devices is behind the plain one: bench:join, first frame
    // decoded (own timestamps) 521 ms with the devices opened beside the join, 390 ms after the first frame, bare
    // Janus 368 ms; audio-only first audio packet 255 against 227 ms (docs/benchmarks.md, join, session 15).
    // The camera's light, our own tile and our sending start that much later; others have had us in their roster
    // since the join, and our publisher waited for our first remote frame already (session 10).
    await this.#first(this.#firstAnswer, joined);
    await this.#first(this.#joinTiming?.firstMedia, joined);
    this.#check();
    // Devices that open as the session ends are released (local-media.ts).
    const stream = await s.local.open({ audioMuted: settings.startAudioMuted, videoMuted: settings.startVideoMuted });
    this.#check();
    s.emit('localStreamChanged', stream);
    s.machine.to('joined');
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

  /** Connects and joins; the join's answer is taken at once, so events after it build on it. */
  async #join(): Promise<JoinResult> {
    const s = this.#s;
    const { settings } = s.opts;
    await this.#connect();
    this.#check();
    this.#joinTiming = new JoinTiming(() => s.subscriber?.pc, settings.isAudioOnly, (firstRemoteFrameMs) =>
      s.signaling!.request('metrics.joinTiming', { firstRemoteFrameMs }),
    );
    // Taken as its answer arrives, before the server's subscriber offer that follows it: the offer is
    // answered at once, and the browser gathers with the TURN servers the answer brings (behind a firewall
    // that passes only TCP to the server, the only path). Waiting for the view's code here lost them.
    const joining = s.signaling!.request('join', {
      token: s.opts.token,
      ...(s.opts.sessionId ? { sessionId: s.opts.sessionId } : {}),
      audioOnly: settings.isAudioOnly,
      audioMuted: settings.startAudioMuted,
      videoMuted: settings.isAudioOnly || settings.startVideoMuted,
      idleTimeoutSeconds: settings.idleTimeoutPeriod,
    }).then((joined) => {
      s.tookJoin(joined);
      return joined;
    });
    // While the join is on its way (the server's subscriber offer follows its answer): our receiving
    // peer connection, and the view, built once its code is loaded. The code used to load before the
    // join left: a chunk fetched from the server while nothing else went on (docs/benchmarks.md, join).
    s.openSubscriber();
    const [answer, view] = await Promise.allSettled([joining, this.#view.then((factory) => s.openView(factory))]);
    // A join answered is taken even if the view failed, so that the session leaves as it ends.
    if (view.status === 'rejected') throw view.reason;
    if (answer.status === 'rejected') throw answer.reason;
    const joined = answer.value;
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
