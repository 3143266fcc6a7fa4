import { ParleyError, TypedEmitter } from '@parley/protocol';
import { reportTo } from '../util/listener-errors.ts';
import type { JanusHandle } from './janus-handle.ts';
import { LinkLossMeter } from './link-loss.ts';
import type { MediaPublisher, MediaPublisherEvents, PublishedTrack } from './media-backend.ts';
import type { AnswerJsep, IceCandidate, Jsep, OfferJsep, PluginData } from './janus-types.ts';

function asAnswer(jsep: Jsep | undefined, what: string): AnswerJsep {
  if (jsep?.type !== 'answer' || typeof jsep.sdp !== 'string') {
    throw new Error(`Janus answered ${what} without an SDP answer`);
  }
  return { type: 'answer', sdp: jsep.sdp };
}

/** The ICE username fragment of an SDP (the first; bundled m-lines share it). */
export function iceUfragOf(sdp: string): string | undefined {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1];
}

/**
 * One participant's sending PeerConnection in a room: its handle joins as a
 * publisher with the browser's offer and returns Janus's answer.
 */
export class JanusPublisher extends TypedEmitter<MediaPublisherEvents> implements MediaPublisher {
  readonly feedId: number;
  readonly display: string;
  readonly roomId: number;
  readonly handle: JanusHandle;
  /** Janus's id for this participant's subscriptions when rooms require it. */
  privateId: number | undefined;
  #tracks: PublishedTrack[] = [];
  /** Janus's description of each published stream (mid, mindex, codec, …), as another node's remote publisher needs it. */
  #streams: ReadonlyArray<Record<string, unknown>> = [];
  #joined = false;
  /** The browser's ICE ufrag in its last offer: an ICE restart offer must bring a new one. */
  #remoteUfrag: string | undefined;
  #closing: Promise<void> | undefined;

  /** Made by `JanusRoom.createPublisher()`. */
  constructor(handle: JanusHandle, roomId: number, opts: { feedId: number; display: string }) {
    super(reportTo(handle.log));
    this.handle = handle;
    this.roomId = roomId;
    this.feedId = opts.feedId;
    this.display = opts.display;
    handle.on('webrtcup', () => this.emit('connected'));
    handle.on('hangup', (reason) => this.emit('disconnected', reason));
    handle.on('trickle', (candidate) => this.emit('candidate', candidate));
    handle.on('slowlink', (info) => this.emit('slowLink', info));
    // Loss per interval from the running counts: Janus's own figure lags, and misreads a layer turned back on (link-loss.ts).
    const losses = new LinkLossMeter();
    handle.on('stats', (stats) => this.emit('stats', losses.measure(stats)));
    handle.on('media', ({ type, receiving, substream }) => {
      // A simulcast feed's upper layers come and go with the browser's bandwidth estimate; its
      // smallest one stops only when nothing gets through.
      if (substream === undefined || substream === 0) this.emit('receiving', receiving, type);
    });
    handle.on('event', (data) => {
      // Janus tells every publisher in the room who talks; each publisher reports only its own.
      if ((data.videoroom === 'talking' || data.videoroom === 'stopped-talking') && data.id === this.feedId) {
        this.emit('talking', data.videoroom === 'talking');
      }
    });
  }

  /** Joins the room and publishes the browser's offer; resolves with Janus's answer. */
  async publish(offer: OfferJsep): Promise<AnswerJsep> {
    const { data, jsep } = await this.handle.message(
      {
        request: 'joinandconfigure',
        room: this.roomId,
        ptype: 'publisher',
        id: this.feedId,
        display: this.display,
        audio: true,
        video: true,
      },
      { type: 'offer', sdp: offer.sdp },
    );
    this.#joined = true;
    this.#remoteUfrag = iceUfragOf(offer.sdp);
    if (typeof data.private_id === 'number') this.privateId = data.private_id;
    this.#rememberTracks(data);
    return asAnswer(jsep, 'publish');
  }

  get tracks(): readonly PublishedTrack[] {
    return this.#tracks;
  }

  /** The published streams as Janus described them in its last answer (for `add_remote_publisher` on other nodes). */
  get streams(): ReadonlyArray<Record<string, unknown>> {
    return this.#streams;
  }

  /** A new offer from the same browser (tracks added, removed, replaced). */
  async renegotiate(offer: OfferJsep): Promise<AnswerJsep> {
    const { data, jsep } = await this.handle.message({ request: 'configure' }, { type: 'offer', sdp: offer.sdp });
    this.#remoteUfrag = iceUfragOf(offer.sdp);
    this.#rememberTracks(data);
    return asAnswer(jsep, 'renegotiate');
  }

  /**
   * An offer with new ICE credentials. Janus needs no flag for it: seeing the
   * browser's ufrag and password change in a `configure` offer, it restarts
   * its own ICE agent too, and its answer carries new credentials.
   */
  async restartIce(offer: OfferJsep): Promise<AnswerJsep> {
    if (!this.#joined) throw new ParleyError('INVALID_STATE', 'Nothing was published yet: there is no ICE to restart');
    const ufrag = iceUfragOf(offer.sdp);
    if (ufrag === undefined || ufrag === this.#remoteUfrag) {
      throw new ParleyError('VALIDATION_FAILED', 'An ICE restart offer needs new ICE credentials (a new a=ice-ufrag)');
    }
    return this.renegotiate(offer);
  }

  /** A PLI to the browser, so a recorder or a new receiver starts with a picture. */
  async requestKeyFrame(): Promise<void> {
    if (!this.#joined || this.handle.isDetached) return;
    await this.handle.request({ request: 'configure', keyframe: true });
  }

  /**
   * Stops or resumes relaying audio and/or video to subscribers, whatever the
   * browser sends: the server's word on mute is final.
   */
  async setMediaEnabled(enabled: { audio?: boolean; video?: boolean }): Promise<void> {
    const streams: Array<{ mid: string; send: boolean }> = [];
    for (const t of this.#tracks) {
      const send = t.kind === 'audio' ? enabled.audio : enabled.video;
      if (send !== undefined) streams.push({ mid: t.mid, send });
    }
    // Without the stream list (Janus did not send it), fall back to the per-kind flags.
    const body: Record<string, unknown> =
      streams.length > 0 ? { request: 'configure', streams } : { request: 'configure', ...enabled };
    await this.handle.request(body);
  }

  /** A candidate of the browser's; null once it has gathered all. */
  trickle(candidate: IceCandidate | null): Promise<void> {
    return this.handle.trickle(candidate);
  }

  /** Leaves the room and detaches. Idempotent, never rejects. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#joined && !this.handle.isDetached) {
        await this.handle.request({ request: 'leave' }).catch(() => undefined);
      }
      await this.handle.detach();
    })();
    return this.#closing;
  }

  /** Janus lists the published streams (mid and kind) in its joined/configured answers. */
  #rememberTracks(data: PluginData): void {
    if (!Array.isArray(data.streams)) return;
    this.#streams = data.streams as Array<Record<string, unknown>>;
    this.#tracks = (data.streams as Array<Record<string, unknown>>)
      .filter((s) => typeof s.mid === 'string' && (s.type === 'audio' || s.type === 'video'))
      .map((s) => ({ mid: s.mid as string, kind: s.type as 'audio' | 'video' }));
  }
}
