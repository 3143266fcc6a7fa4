import { TypedEmitter } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';
import { reportTo } from '../util/listener-errors.ts';
import type { Logger } from '../util/logger.ts';
import { janusCodeOf } from './janus-errors.ts';
import type { JanusHandle } from './janus-handle.ts';
import { JanusHandlePool } from './janus-handle-pool.ts';
import { JanusPublisher } from './janus-publisher.ts';
import type { JanusSession } from './janus-session.ts';
import { JanusSubscriber } from './janus-subscriber.ts';
import { roomSecret } from './room-secret.ts';
import type { MediaRoom, MediaRoomEvents } from './media-backend.ts';
import type { PluginData } from './janus-types.ts';

export const VIDEOROOM = 'janus.plugin.videoroom';
/** VideoRoom's "no such room" code: destroying a room that is gone is fine. */
export const NO_SUCH_ROOM = 426;
/**
 * A key frame request can bring nothing (Chromium's encoder answers one per 300 ms; Janus 1.1.2 passes
 * one a second to a feed from another node): after the first, ask again once new recorders have settled.
 */
const KEYFRAME_RETRY_MS = [1_000, 2_500];
/** Handles attached ahead per room: one joining participant's publisher and subscriber. */
const PREPARED_HANDLES = 2;

export interface JanusRoomOptions {
  roomId: number;
  description: string;
  /** The plugin's admin_key (JanusProcess.adminKey for the embedded Janus). */
  adminKey: string;
  /** Most concurrent publishers; default: the participant limit. */
  publishers?: number;
  /** Per-publisher video bitrate cap in bit/s; default DEFAULTS.videoBitrateBps. */
  bitrate?: number;
  audiocodec?: 'opus';
  /** VideoRoom's codec list: a publisher gets the first of these its offer has; subscribers get what it sends. */
  videocodec?: 'vp8' | 'h264' | 'vp8,h264';
}

export interface RoomParticipant {
  feedId: number;
  display?: string;
  /** Whether this participant's media is flowing into Janus. */
  publisher: boolean;
  talking?: boolean;
}

/**
 * One VideoRoom room on one Janus node, for one call session. It holds its
 * own handle for room administration, and makes the publisher and
 * subscriber handles of the participants' connections.
 */
export class JanusRoom extends TypedEmitter<MediaRoomEvents> implements MediaRoom {
  readonly id: number;
  readonly node: string;
  readonly janus: JanusSession;
  readonly #admin: JanusHandle;
  /** Needed to destroy the room and to toggle recording; never leaves the server. */
  readonly #secret: string;
  /** The plugin's admin_key: forwarding a publisher to another node (`publish_remotely`) needs it, like `rtp_forward`. */
  readonly #adminKey: string;
  readonly #log: Logger;
  readonly #members = new Set<JanusPublisher | JanusSubscriber>();
  /** VideoRoom handles attached ahead, for the next connections made here. */
  readonly prepared: JanusHandlePool;
  #recording = false;
  #destroying: Promise<void> | undefined;
  readonly #stopWatchingJanus: () => void;

  private constructor(janus: JanusSession, admin: JanusHandle, id: number, secret: string, adminKey: string) {
    const log = janus.log.child({ room: id });
    super(reportTo(log));
    this.janus = janus;
    this.node = janus.client.url;
    this.#admin = admin;
    this.id = id;
    this.#secret = secret;
    this.#adminKey = adminKey;
    this.#log = log;
    this.prepared = new JanusHandlePool(janus, VIDEOROOM, PREPARED_HANDLES, log);
    // Janus went away (crash, restart, our session timed out): so did the room. Destroying it ourselves is not a loss.
    const lost = () => {
      if (!this.#destroying) this.emit('lost');
    };
    const offs = [janus.on('closed', lost), janus.on('timeout', lost)];
    this.#stopWatchingJanus = () => {
      for (const off of offs) off();
    };
  }

  /** Creates the room in Janus (not permanent: it lives as long as this Janus runs). */
  static async create(janus: JanusSession, opts: JanusRoomOptions): Promise<JanusRoom> {
    const admin = await janus.attach(VIDEOROOM);
    const secret = roomSecret(opts.adminKey, opts.roomId);
    try {
      await admin.request({
        request: 'create',
        admin_key: opts.adminKey,
        room: opts.roomId,
        permanent: false,
        description: opts.description,
        secret,
        is_private: true,
        publishers: opts.publishers ?? DEFAULTS.maxParticipantsPerSession,
        bitrate: opts.bitrate ?? DEFAULTS.videoBitrateBps,
        notify_joining: false,
        // Publishers hear `talking` / `stopped-talking` for everyone in the room, themselves included.
        audiolevel_event: true,
        audio_active_packets: DEFAULTS.talkingWindowPackets,
        audio_level_average: DEFAULTS.talkingLevelDbov,
        audiocodec: opts.audiocodec ?? 'opus',
        // VP8 everywhere, H.264 for Safari and iOS (the SDK offers only the codec it publishes with).
        videocodec: opts.videocodec ?? 'vp8,h264',
        record: false,
      });
    } catch (err) {
      await admin.detach();
      throw err;
    }
    return new JanusRoom(janus, admin, opts.roomId, secret, opts.adminKey);
  }

  /** A publisher handle for one participant connection (attached ahead when one is ready; not joined until `publish`). */
  async createPublisher(opts: { feedId: number; display: string; participant?: string }): Promise<JanusPublisher> {
    const handle = await this.prepared.take();
    const publisher = this.#track(new JanusPublisher(handle, this.id, opts), handle);
    // Janus records a publisher whose media starts while the room records; its file needs a first picture.
    publisher.on('connected', () => {
      if (this.#recording) void this.#askForKeyFrame(publisher);
    });
    return publisher;
  }

  /** A multistream subscriber handle for one participant connection (attached ahead when one is ready). */
  async createSubscriber(opts: { privateId?: number; participant?: string } = {}): Promise<JanusSubscriber> {
    const handle = await this.prepared.take();
    return this.#track(new JanusSubscriber(handle, this.id, opts), handle);
  }

  async listParticipants(): Promise<RoomParticipant[]> {
    const data = await this.#admin.request({ request: 'listparticipants', room: this.id });
    const list = Array.isArray(data.participants) ? (data.participants as Array<Record<string, unknown>>) : [];
    return list.map((p) => ({
      feedId: Number(p.id),
      publisher: p.publisher === true,
      ...(typeof p.display === 'string' ? { display: p.display } : {}),
      ...(typeof p.talking === 'boolean' ? { talking: p.talking } : {}),
    }));
  }

  /**
   * Janus writes an .mjr file per stream of every publisher into `dir`, and
   * (checked on 1.1.2) starts recording publishers whose media comes later by
   * itself: `enable_recording` sets the room's flag. Recorders start
   * mid-stream, and a file is unplayable until its first key frame, so every
   * publisher is asked for one now and again once the recorders settled.
   */
  async startRecording(dir: string): Promise<void> {
    await this.setRecordingDir(dir);
    await this.setRecording(true);
    this.#recording = true;
    await this.#askForKeyFrames();
    for (const ms of KEYFRAME_RETRY_MS) setTimeout(() => void this.#askForKeyFrames(), ms).unref();
  }

  async stopRecording(): Promise<void> {
    this.#recording = false;
    await this.setRecording(false);
  }

  /** A VideoRoom request about this room that needs its secret (remote publishers and their forwarders, janus-remote-feed.ts). */
  roomRequest(body: Record<string, unknown>): Promise<PluginData> {
    return this.#admin.request({ ...body, room: this.id, secret: this.#secret, admin_key: this.#adminKey });
  }

  /** Starts or stops Janus writing .mjr files for every publisher of the room. */
  async setRecording(enabled: boolean): Promise<void> {
    await this.#admin.request({ request: 'enable_recording', room: this.id, secret: this.#secret, record: enabled });
  }

  /** Where Janus writes the room's next recordings (VideoRoom `edit` with `new_rec_dir`). */
  async setRecordingDir(dir: string): Promise<void> {
    await this.#admin.request({ request: 'edit', room: this.id, secret: this.#secret, new_rec_dir: dir });
  }

  /**
   * Closes every handle made here and destroys the room. Idempotent; a room
   * Janus no longer knows (restart, destroyed twice) counts as destroyed.
   */
  destroy(): Promise<void> {
    this.#destroying ??= (async () => {
      this.#recording = false;
      this.#stopWatchingJanus();
      await Promise.all([...this.#members].map((m) => m.close()).concat(this.prepared.close()));
      try {
        if (!this.#admin.isDetached) {
          await this.#admin.request({ request: 'destroy', room: this.id, secret: this.#secret });
        }
      } catch (err) {
        if (janusCodeOf(err) !== NO_SUCH_ROOM) {
          this.#log.warn({ err }, 'janus room destroy failed');
          throw err;
        }
      } finally {
        await this.#admin.detach();
      }
    })();
    return this.#destroying;
  }

  async #askForKeyFrames(): Promise<void> {
    if (!this.#recording) return;
    for (const member of this.#members) if (member instanceof JanusPublisher) await this.#askForKeyFrame(member);
  }

  async #askForKeyFrame(publisher: JanusPublisher): Promise<void> {
    await publisher.requestKeyFrame().catch((err: unknown) => this.#log.warn({ err, feed: publisher.feedId }, 'key frame request failed'));
  }

  #track<T extends JanusPublisher | JanusSubscriber>(member: T, handle: JanusHandle): T {
    this.#members.add(member);
    handle.on('detached', () => this.#members.delete(member));
    return member;
  }
}
