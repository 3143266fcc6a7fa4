import { ParleyError } from '@parley/protocol';
import { pluginError } from './janus-errors.ts';
import type { ConnectionStats, SlowLink } from './media-backend.ts';
import type { IceCandidate, JanusMessage, JanusSessionRef, Jsep, PluginData } from './janus-types.ts';
import type { Logger } from '../util/logger.ts';
import { TypedEmitter } from '@parley/protocol';
import { reportTo } from '../util/listener-errors.ts';

export interface MediaInfo {
  type: 'audio' | 'video';
  receiving: boolean;
  mid?: string;
  /** The simulcast layer the change is about (0 the smallest); absent without simulcast. */
  substream?: number;
}

export interface JanusHandleEvents {
  /** The PeerConnection of this handle is up (ICE and DTLS done). */
  webrtcup: [];
  /** The PeerConnection went down. */
  hangup: [reason: string];
  /** Janus started or stopped receiving a stream. */
  media: [info: MediaInfo];
  slowlink: [info: SlowLink];
  /** Janus's periodic stats of this handle's PeerConnection (from its event handler, when configured). */
  stats: [stats: ConnectionStats];
  /** A candidate of Janus's own, for the browser; null once Janus has gathered all. */
  trickle: [candidate: IceCandidate | null];
  /** A plugin event that answers no request of ours. */
  event: [data: PluginData, jsep: Jsep | undefined];
  /** The handle is gone (detached by us or by Janus, or its session ended). */
  detached: [];
}

/** One plugin handle: the channel for a single PeerConnection with Janus. */
export class JanusHandle extends TypedEmitter<JanusHandleEvents> {
  readonly id: number;
  readonly plugin: string;
  readonly session: JanusSessionRef;
  readonly log: Logger;
  #detached = false;
  #detaching: Promise<void> | undefined;

  /** Made by `JanusSession.attach()`. */
  constructor(session: JanusSessionRef, id: number, plugin: string, log: Logger) {
    super(reportTo(log));
    this.session = session;
    this.id = id;
    this.plugin = plugin;
    this.log = log;
  }

  get isDetached(): boolean {
    return this.#detached;
  }

  /**
   * A synchronous plugin request (create, destroy, listparticipants, …).
   * Resolves with `plugindata.data`; a plugin `error_code` rejects with MEDIA_ERROR.
   */
  async request(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginData> {
    return (await this.message(body, jsep)).data;
  }

  /**
   * An asynchronous plugin request (join, configure, start, …): Janus acks it
   * and answers later with an event carrying our transaction; that event's
   * data and JSEP are the result. Also accepts a direct synchronous answer.
   */
  async message(body: Record<string, unknown>, jsep?: Jsep): Promise<{ data: PluginData; jsep?: Jsep }> {
    const what = `${String(body.request)} on ${this.plugin.replace('janus.plugin.', '')}`;
    this.#assertUsable(what);
    const answer = await this.session.client.request(
      { janus: 'message', session_id: this.session.id, handle_id: this.id, body, ...(jsep ? { jsep } : {}) },
      { waitForEvent: true },
    );
    const data = answer.plugindata?.data ?? {};
    const err = pluginError(data, what);
    if (err) throw err;
    return answer.jsep ? { data, jsep: answer.jsep } : { data };
  }

  /** Sends a browser candidate to Janus; null says the browser has gathered all. */
  async trickle(candidate: IceCandidate | null): Promise<void> {
    this.#assertUsable('trickle');
    await this.session.client.request({
      janus: 'trickle',
      session_id: this.session.id,
      handle_id: this.id,
      candidate: candidate ?? { completed: true },
    });
  }

  /** Detaches from Janus. Idempotent and never rejects: the handle is unusable afterwards either way. */
  detach(): Promise<void> {
    this.#detaching ??= (async () => {
      if (this.#detached) return;
      try {
        await this.session.client.request({ janus: 'detach', session_id: this.session.id, handle_id: this.id });
      } catch (err) {
        this.log.debug({ err }, 'janus detach failed (already gone?)');
      }
      this.markDetached();
    })();
    return this.#detaching;
  }

  /** Marks the handle as gone without asking Janus (its session or socket is gone). */
  markDetached(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.emit('detached');
  }

  /** Turns a message Janus sent about this handle into a typed event. */
  dispatch(msg: JanusMessage): void {
    switch (msg.janus) {
      case 'webrtcup':
        this.emit('webrtcup');
        break;
      case 'hangup':
        this.emit('hangup', typeof msg.reason === 'string' ? msg.reason : 'unknown');
        break;
      case 'media':
        this.emit('media', {
          type: msg.type === 'audio' ? 'audio' : 'video',
          receiving: msg.receiving === true,
          ...(typeof msg.mid === 'string' ? { mid: msg.mid } : {}),
          ...(typeof msg.substream === 'number' ? { substream: msg.substream } : {}),
        });
        break;
      case 'slowlink':
        this.emit('slowlink', {
          uplink: msg.uplink === true,
          lost: typeof msg.lost === 'number' ? msg.lost : 0,
          ...(typeof msg.mid === 'string' ? { mid: msg.mid } : {}),
          ...(typeof msg.media === 'string' ? { media: msg.media } : {}),
        });
        break;
      case 'trickle': {
        const c = msg.candidate as (IceCandidate & { completed?: boolean }) | undefined;
        this.emit('trickle', !c || c.completed ? null : c);
        break;
      }
      case 'event':
        this.emit('event', msg.plugindata?.data ?? {}, msg.jsep);
        break;
      case 'detached':
        this.markDetached();
        break;
      default:
        this.log.debug({ janus: msg.janus }, 'unhandled janus handle message');
    }
  }

  /** Janus's stats of this handle, which reach us apart from the Janus API (its event handler). */
  dispatchStats(stats: ConnectionStats): void {
    if (!this.#detached) this.emit('stats', stats);
  }

  #assertUsable(what: string): void {
    if (this.#detached) throw new ParleyError('MEDIA_UNAVAILABLE', `Janus handle is detached (${what})`);
  }
}
