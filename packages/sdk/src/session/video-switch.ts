/**
 * The seed's switch of an audio call to video, as we see it: answering the
 * others' request (onCallSwitchToVideoRequested), and the switch itself
 * (onCallSwitchedToVideo), after which video is allowed and the one who asked
 * and the one who accepted turn their cameras on. Asking is a plain request
 * (switchToVideoCall); the server keeps the pending request.
 */
import { ParleyError, type StateMachine } from '@parley/protocol';
import type { CallSessionState } from '../api/events.ts';
import type { LocalMedia } from '../media/local-media.ts';
import { asParleyError } from '../util/errors.ts';
import type { CallSessionOptions } from './options.ts';
import type { ServerEventContext } from './server-event-table.ts';
import type { SignalingClient } from './signaling-client.ts';

/** What the switch needs of the session. */
export interface VideoSwitchContext extends ServerEventContext {
  readonly machine: StateMachine<CallSessionState>;
  readonly opts: CallSessionOptions;
  readonly local: LocalMedia;
  readonly signaling: SignalingClient | undefined;
  /** Runs a user action after the ones before it, only while joined. */
  act(step: () => Promise<void>): Promise<void>;
  /** The session's videoPaused: our camera on or off, everyone told. */
  videoPaused(paused: boolean): Promise<void>;
}

export class VideoSwitch {
  readonly #s: VideoSwitchContext;
  /** The audio call became a video call (switchToVideoCall accepted). */
  #switched = false;

  constructor(context: VideoSwitchContext) {
    this.#s = context;
  }

  /** Audio-only: set so in the settings, and not switched to video since. */
  get audioOnly(): boolean {
    return this.#s.opts.settings.isAudioOnly && !this.#switched;
  }

  /** Accepts or declines the pending request; everyone hears the outcome from the server. */
  answer(accept: boolean): Promise<void> {
    const s = this.#s;
    if (s.facts.videoRequest === undefined) return Promise.reject(new ParleyError('INVALID_STATE', 'Nobody asked to switch to video'));
    return s.act(async () => {
      s.facts.videoRequest = undefined;
      await s.signaling!.request('video.answerSwitch', { accept });
    });
  }

  /** The session is a video session now: the one who asked and the one who accepted turn their cameras on. */
  becameVideoCall(initiator: string, responder: string): void {
    const s = this.#s;
    const wasAudioOnly = this.audioOnly;
    this.#switched = true;
    s.local.allowVideo();
    const self = s.roster.selfUid;
    // Everyone else in a group call may turn theirs on with videoPaused(false).
    if (!wasAudioOnly || (self !== initiator && self !== responder)) return;
    s.videoPaused(false).catch((error) => {
      if (!s.machine.is('ending', 'ended')) s.emit('onError', asParleyError(error, 'MEDIA_ERROR'));
    });
  }
}
