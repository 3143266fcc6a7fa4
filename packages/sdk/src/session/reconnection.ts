/**
 * Staying in the call when the signaling socket drops while media still flows
 * browser ↔ Janus: `resume` on a new socket until the server's grace period is
 * over (resume.ts races the attempts), then tell the app who came and went
 * meanwhile. Also the socket's health as the ICE watch sees it: a socket left
 * half-open by an address change is dropped so the session resumes, and the
 * key frames our receiving path asks for after an ICE restart wait for the
 * socket when it is down.
 */
import { CLOSE_CODES, type JoinResult, ParleyError, type StateMachine } from '@parley/protocol';
import type { CallSessionState } from '../api/events.ts';
import { DEFAULTS } from '../defaults.ts';
import type { IceWatch } from '../media/ice-watch.ts';
import type { Logger } from '../util/logger.ts';
import type { CallSessionOptions } from './options.ts';
import { BackoffReconnectPolicy } from './reconnect-policy.ts';
import { ResumeAttempts } from './resume.ts';
import { screenSharerIs } from './screen-share-events.ts';
import { reportLeft, type ServerEventContext } from './server-event-table.ts';
import type { Ending } from './session-state.ts';
import { type CloseInfo, newSignalingClient, type SignalingClient } from './signaling-client.ts';

/** What reconnecting needs of the session. */
export interface ReconnectionContext extends ServerEventContext {
  /** The session's states: this part moves joined → reconnecting → joined. */
  readonly machine: StateMachine<CallSessionState>;
  readonly opts: CallSessionOptions;
  /** The socket requests go through; a resume replaces it. */
  signaling: SignalingClient | undefined;
  /** The join's (or the latest resume's) result: the resume token. */
  readonly joined: JoinResult | undefined;
  readonly iceWatch: IceWatch;
  readonly log: Logger;
  /** Routes a socket's server events and its close to the session. */
  listen(signaling: SignalingClient): void;
  /** A join's or a resume's result: who we are in the session, its TURN servers, whether it records. */
  tookJoin(result: JoinResult): void;
  end(how: Ending): void;
}

export class Reconnection {
  readonly #s: ReconnectionContext;
  /** While reconnecting: the resume attempts (resume.ts). */
  #resume: ResumeAttempts<SignalingClient> | undefined;
  /** Our receiving path came back while the socket was down: key frames are asked for once it resumes. */
  #keyFramesOwed = false;
  #checkingSignaling = false;

  constructor(context: ReconnectionContext) {
    this.#s = context;
  }

  /** The current socket closed: a clean or deliberate close, or one before we are in the call, ends the session; else we resume. */
  socketClosed(info: CloseInfo): void {
    const { machine } = this.#s;
    // While reconnecting, a failed attempt's socket closing is the loop's business.
    if (info.clean || machine.is('ending', 'ended', 'reconnecting')) return;
    const error = new ParleyError('CONNECTION_CLOSED', `The connection to the server closed (${info.code}${info.reason ? ` ${info.reason}` : ''})`);
    // Closed by the server on purpose (the session ended for us), or not yet in the call: over.
    if (info.code === CLOSE_CODES.sessionEnded || !machine.is('joined') || !this.#s.joined) {
      // In the call, an end we were not told the reason of is still an end of the call.
      this.#s.end({ error, leave: false, ...(machine.is('joined') ? { reason: 'call-ended' as const } : {}) });
      return;
    }
    void this.#reconnect(error);
  }

  /** The browser reports a network change: a resume attempt under way tries again now. */
  networkChanged(): void {
    this.#resume?.networkChanged();
  }

  /**
   * An address change leaves the socket half-open (requests vanish) while the network works:
   * when a ping goes unanswered but the server answers a new connection (`/healthz`), the socket
   * is dropped and the session resumes on a new one. While the link is down both fail: kept.
   */
  checkSignaling(): void {
    const { machine } = this.#s;
    const signaling = this.#s.signaling;
    if (!signaling || !machine.is('joined') || this.#checkingSignaling) return;
    this.#checkingSignaling = true;
    const timeoutMs = DEFAULTS.iceRestart.pingTimeoutMs;
    void signaling
      .request('ping', {}, timeoutMs)
      .then(
        () => undefined,
        async () => {
          const reachable = await fetch(`${this.#s.opts.serverUrl}/healthz`, { cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) }).then(
            (r) => r.ok,
            () => false,
          );
          if (reachable && signaling === this.#s.signaling && machine.is('joined')) signaling.drop('no answer to ping while the server is reachable');
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
  receivingAgain(): void {
    const signaling = this.#s.signaling;
    this.#keyFramesOwed = !signaling?.isOpen || !this.#s.machine.is('joined');
    if (this.#keyFramesOwed) return;
    signaling?.request('subscriber.restored', {}).catch((error) => this.#s.log.debug('subscriber.restored failed', error));
  }

  /** The session ends: resume attempts under way stop. */
  cancel(): void {
    this.#resume?.cancel();
  }

  /**
   * The socket dropped while media still flows browser ↔ Janus: open a new one
   * and `resume` with our resume token, until the server's grace period is
   * over. Others see nothing; we catch up on what changed meanwhile.
   */
  async #reconnect(cause: ParleyError): Promise<void> {
    const s = this.#s;
    s.machine.to('reconnecting');
    s.emit('onReconnecting');
    this.#resume = new ResumeAttempts({
      resumeToken: s.joined!.resumeToken,
      policy: s.opts.reconnectPolicy ?? new BackoffReconnectPolicy(),
      cause,
      openClient: (connectTimeoutMs) => {
        const signaling = newSignalingClient(s.opts, connectTimeoutMs);
        s.listen(signaling);
        return signaling;
      },
      use: (signaling) => {
        s.signaling = signaling; // before resume: the server resends a waiting offer at once
      },
      stillWanted: () => s.machine.is('reconnecting'),
      ...DEFAULTS.resumeAttempts,
      log: s.log,
    });
    const resumed = await this.#resume.outcome;
    this.#resume = undefined;
    if (!s.machine.is('reconnecting')) return;
    if (!resumed || resumed === 'session-ended') {
      // The server stayed unreachable past the window, or it has no session left for us to resume.
      s.end({ error: cause, leave: false, reason: resumed ? 'call-ended' : 'server-unavailable' });
      return;
    }
    this.#catchUp(resumed);
    s.machine.to('joined');
    // The session's media room was made anew while we were away (the server restarted): new connections,
    // and the app hears onReconnected once our media flows again.
    if (resumed.mediaRestart) {
      s.restartMedia(true);
      return;
    }
    s.emit('onReconnected');
    if (this.#keyFramesOwed) this.receivingAgain();
  }

  /** After a resume: tell the app who came and went while we were away. */
  #catchUp(resumed: JoinResult): void {
    const s = this.#s;
    s.tookJoin(resumed);
    const { joined, left, list } = s.roster.resync(resumed.self, resumed.participants);
    for (const user of joined) s.emit('onUserJoined', user);
    for (const user of left) reportLeft(s, user);
    if (joined.length > 0 || left.length > 0) s.emit('onUserListChanged', list);
    screenSharerIs(s, resumed.screenSharer ?? null);
    // Connections about to be replaced (mediaRestart) are not worth an ICE restart.
    if (!resumed.mediaRestart) s.iceWatch.resumed();
  }
}
