import type { JanusHandle, MediaInfo } from './janus-handle.ts';
import type { AnswerJsep, IceCandidate, Jsep, OfferJsep, PluginData } from './janus-types.ts';
import { TypedEmitter } from '@parley/protocol';
import { reportTo } from '../util/listener-errors.ts';

export interface JanusPublisherEvents {
  webrtcup: [];
  hangup: [reason: string];
  /** Janus's own candidate, to forward to the browser; null = Janus gathered all. */
  trickle: [candidate: IceCandidate | null];
  media: [info: MediaInfo];
  /** This publisher started (true) or stopped (false) talking, by the room's audio-level settings. */
  talking: [talking: boolean];
  /** Room events Janus sends to publishers (others publishing, leaving, …). */
  event: [data: PluginData];
}

interface PublishedStream {
  mid: string;
  type: string;
}

function asAnswer(jsep: Jsep | undefined, what: string): AnswerJsep {
  if (jsep?.type !== 'answer' || typeof jsep.sdp !== 'string') {
    throw new Error(`Janus answered ${what} without an SDP answer`);
  }
  return { type: 'answer', sdp: jsep.sdp };
}

/**
 * One participant's sending PeerConnection in a room: its handle joins as a
 * publisher with the browser's offer and returns Janus's answer.
 */
export class JanusPublisher extends TypedEmitter<JanusPublisherEvents> {
  readonly feedId: number;
  readonly display: string;
  readonly roomId: number;
  readonly handle: JanusHandle;
  /** Janus's id for this participant's subscriptions when rooms require it. */
  privateId: number | undefined;
  #streams: PublishedStream[] = [];
  #joined = false;
  #closing: Promise<void> | undefined;

  /** Made by `JanusRoom.createPublisher()`. */
  constructor(handle: JanusHandle, roomId: number, opts: { feedId: number; display: string }) {
    super(reportTo(handle.log));
    this.handle = handle;
    this.roomId = roomId;
    this.feedId = opts.feedId;
    this.display = opts.display;
    handle.on('webrtcup', () => this.emit('webrtcup'));
    handle.on('hangup', (reason) => this.emit('hangup', reason));
    handle.on('trickle', (candidate) => this.emit('trickle', candidate));
    handle.on('media', (info) => this.emit('media', info));
    handle.on('event', (data) => {
      // Janus tells every publisher in the room who talks; each publisher reports only its own.
      if ((data.videoroom === 'talking' || data.videoroom === 'stopped-talking') && data.id === this.feedId) {
        this.emit('talking', data.videoroom === 'talking');
      }
      this.emit('event', data);
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
    if (typeof data.private_id === 'number') this.privateId = data.private_id;
    this.#rememberStreams(data);
    return asAnswer(jsep, 'publish');
  }

  /** The streams Janus has from this publisher (mid and kind), as of its last answer. */
  get streams(): ReadonlyArray<Readonly<PublishedStream>> {
    return this.#streams;
  }

  /** A new offer from the same browser (tracks added, removed, replaced). */
  async renegotiate(offer: OfferJsep): Promise<AnswerJsep> {
    const { data, jsep } = await this.handle.message({ request: 'configure' }, { type: 'offer', sdp: offer.sdp });
    this.#rememberStreams(data);
    return asAnswer(jsep, 'renegotiate');
  }

  /**
   * Stops or resumes relaying audio and/or video to subscribers, whatever the
   * browser sends: the server's word on mute is final.
   */
  async setMediaEnabled(enabled: { audio?: boolean; video?: boolean }): Promise<void> {
    const streams: Array<{ mid: string; send: boolean }> = [];
    for (const s of this.#streams) {
      const send = s.type === 'audio' ? enabled.audio : s.type === 'video' ? enabled.video : undefined;
      if (send !== undefined) streams.push({ mid: s.mid, send });
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
  #rememberStreams(data: PluginData): void {
    if (!Array.isArray(data.streams)) return;
    this.#streams = (data.streams as Array<Record<string, unknown>>)
      .filter((s) => typeof s.mid === 'string' && typeof s.type === 'string')
      .map((s) => ({ mid: s.mid as string, type: s.type as string }));
  }
}
