/**
 * The Janus media backend: rooms on the embedded Janus this server spawns and
 * supervises, or on the external nodes named by JANUS_URLS. Holds one Janus
 * session per node and opens it again after Janus restarts.
 */
import { randomInt } from 'node:crypto';
import { ParleyError } from '@parley/protocol';
import { JanusClient } from './janus-client.ts';
import { janusCodeOf } from './janus-errors.ts';
import { JanusEventsServer, type JanusEventsListen } from './janus-events-server.ts';
import { JanusProcess } from './janus-process.ts';
import { JanusRoom } from './janus-room.ts';
import { SpanningRoom } from './spanning-room.ts';
import { destroyStaleRooms, roomDescription } from './stale-rooms.ts';
import type { JanusSession } from './janus-session.ts';
import type { MediaBackend, MediaBackendEvents } from './media-backend.ts';
import type { Logger } from '../util/logger.ts';
import { TypedEmitter } from '@parley/protocol';
import { reportTo } from '../util/listener-errors.ts';

const ROOM_EXISTS = 427;
const RESTART_WAIT_MS = 15_000; // how long a join waits for a restarting embedded Janus

interface MediaNode {
  url: string;
  adminKey: string;
  /** The connection and the one Janus session this server holds on the node, once opened. */
  session: Promise<{ client: JanusClient; janus: JanusSession }> | undefined;
}

export interface MediaPlaneOptions {
  janusUrls?: readonly string[];
  janusAdminKey?: string;
  mediaInterface?: string;
  /** The embedded Janus announces this address (nat_1_1_mapping): PARLEY_PUBLIC_IP, or found through PARLEY_STUN_URL. */
  publicIp?: string | undefined;
  /** The embedded Janus's modules (PARLEY_JANUS_LIB_DIR); found on the system when absent. */
  janusLibDir?: string | undefined;
  /** The embedded Janus's debug_level; its own default without it. */
  janusLogLevel?: number;
  /** Where `JANUS_URLS` nodes' event handlers send their stats (PARLEY_JANUS_EVENTS_ADDRESS); none without it. */
  janusEvents?: JanusEventsListen | undefined;
  dataDir: string;
  requestTimeoutMs: number;
  /** Which of the answering nodes a new session's room goes to (cluster/room-placement.ts); the first listed without it. */
  placeRoom?: (nodes: readonly string[]) => Promise<string | undefined>;
  /**
   * Most participants of one session per node (PARLEY_NODE_PARTICIPANTS): with it and several
   * nodes, a session that outgrows its node spans another (spanning-room.ts).
   */
  participantsPerNode?: number | undefined;
  /** Test-only (PARLEY_TEST_NODE_HINTS): the node a participant of any session must be placed on. */
  nodeHint?: ((participant: string) => string | undefined) | undefined;
  log: Logger;
}

export class MediaPlane extends TypedEmitter<MediaBackendEvents> implements MediaBackend {
  readonly #nodes: MediaNode[];
  readonly #process: JanusProcess | undefined;
  /** Janus's stats per handle: the embedded Janus's, or the external nodes' when they send them. */
  readonly #events: JanusEventsServer | undefined;
  readonly #opts: MediaPlaneOptions;
  #restarting: Promise<void> | undefined;

  private constructor(nodes: MediaNode[], process: JanusProcess | undefined, opts: MediaPlaneOptions, events: JanusEventsServer | undefined) {
    super(reportTo(opts.log));
    this.#nodes = nodes;
    this.#process = process;
    this.#events = events;
    this.#opts = opts;
    process?.on('exited', () => {
      this.#lost(nodes[0] as MediaNode);
      this.#restarting ??= new Promise<void>((resolve) => {
        const off = process.on('restarted', () => {
          off();
          this.#restarting = undefined;
          resolve();
        });
      });
    });
  }

  /** While the embedded Janus restarts, wait for it (bounded) rather than fail at once. */
  async #embeddedReady(): Promise<void> {
    if (!this.#restarting) return;
    const timeout = new Promise<never>((_, reject) => {
      const t = setTimeout(() => reject(new ParleyError('MEDIA_UNAVAILABLE', 'Janus is restarting')), RESTART_WAIT_MS);
      t.unref();
    });
    await Promise.race([this.#restarting, timeout]);
  }

  /** Spawns the embedded Janus (no JANUS_URLS) or checks the external nodes answer. */
  static async start(opts: MediaPlaneOptions): Promise<MediaPlane> {
    if (opts.janusUrls && opts.janusUrls.length > 0) {
      const nodes = opts.janusUrls.map((url) => ({ url, adminKey: opts.janusAdminKey ?? '', session: undefined }));
      const events = opts.janusEvents ? await JanusEventsServer.listen(opts.log, opts.janusEvents) : undefined;
      const plane = new MediaPlane(nodes, undefined, opts, events);
      await Promise.all(nodes.map((n) => plane.#session(n)));
      return plane;
    }
    const process = new JanusProcess({
      dataDir: opts.dataDir,
      ...(opts.mediaInterface === undefined ? {} : { mediaInterface: opts.mediaInterface }),
      publicIp: opts.publicIp,
      libDir: opts.janusLibDir,
      ...(opts.janusLogLevel === undefined ? {} : { debugLevel: opts.janusLogLevel }),
      logger: opts.log,
    });
    await process.start();
    return new MediaPlane([{ url: process.url, adminKey: process.adminKey, session: undefined }], process, opts, process.events);
  }

  /** The embedded Janus, when this server runs one. */
  get process(): JanusProcess | undefined {
    return this.#process;
  }

  /** Whether a node answers now: the embedded Janus runs and is not restarting, or an external node's session is open. */
  answering(): boolean {
    if (this.#process) return this.#process.pid !== undefined && this.#restarting === undefined;
    return this.#nodes.some((n) => n.session !== undefined);
  }

  status(): string {
    return this.#process ? `embedded janus pid ${this.#process.pid ?? 'none'}` : `${this.#nodes.length} external janus node(s)`;
  }

  /**
   * Makes the room for a session on the node placement picks among those
   * answering (the least loaded); when that node does not answer, on the next
   * one that does (a session whose node went away is made again elsewhere).
   */
  async createRoom(sessionId: string): Promise<JanusRoom | SpanningRoom> {
    const home = await this.#createPlacedRoom(sessionId, []);
    const perNode = this.#opts.participantsPerNode;
    if (this.#nodes.length < 2 || (perNode === undefined && !this.#opts.nodeHint)) return home;
    return new SpanningRoom(home, {
      openLeg: (node, taken) => {
        const named = this.#nodes.find((n) => n.url === node);
        return named ? this.#createRoomOn(named, sessionId) : this.#createPlacedRoom(sessionId, taken).catch(() => undefined);
      },
      participantsPerNode: perNode ?? Number.POSITIVE_INFINITY,
      leastLoaded: this.#opts.placeRoom,
      hint: this.#opts.nodeHint,
      mediaAddressOf: (node) => (this.#process && node === this.#process.url ? this.#process.mediaAddress : undefined),
      log: this.#opts.log.child({ sessionId }),
    });
  }

  /** A room on the node placement picks among those answering and not `taken`, or the next that answers. */
  async #createPlacedRoom(sessionId: string, taken: readonly string[]): Promise<JanusRoom> {
    await this.#embeddedReady();
    let failure: unknown = new ParleyError('MEDIA_UNAVAILABLE', 'No Janus node left for this session');
    for (const node of await this.#placementOrder(taken)) {
      try {
        return await this.#createRoomOn(node, sessionId);
      } catch (error) {
        failure = error;
        if (!(error instanceof ParleyError && (error.code === 'MEDIA_UNAVAILABLE' || error.code === 'MEDIA_TIMEOUT'))) throw error;
      }
    }
    throw failure;
  }

  /** The node placement picks first, then the others as listed; none of `taken`. */
  async #placementOrder(taken: readonly string[]): Promise<MediaNode[]> {
    const free = this.#nodes.filter((n) => !taken.includes(n.url));
    const answering = free.filter((n) => n.session !== undefined);
    const chosen = await this.#opts.placeRoom?.((answering.length > 0 ? answering : free).map((n) => n.url));
    return free.sort((a, b) => Number(b.url === chosen) - Number(a.url === chosen));
  }

  async #createRoomOn(node: MediaNode, sessionId: string): Promise<JanusRoom> {
    const { janus } = await this.#session(node);
    for (let attempt = 0; ; attempt++) {
      try {
        return await JanusRoom.create(janus, {
          roomId: randomInt(1, 2 ** 47),
          description: roomDescription(sessionId),
          adminKey: node.adminKey,
        });
      } catch (error) {
        if (janusCodeOf(error) !== ROOM_EXISTS || attempt >= 3) throw error;
      }
    }
  }

  async destroyStaleRooms(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await Promise.all(
      this.#nodes.map(async (node) => {
        try {
          const { janus } = await this.#session(node);
          const destroyed = await destroyStaleRooms(janus, node.adminKey, sessionIds);
          if (destroyed.length > 0) this.#opts.log.info({ node: node.url, rooms: destroyed }, 'rooms left by a process that died destroyed');
        } catch (error) {
          this.#opts.log.warn({ err: error, node: node.url }, 'rooms left by a process that died could not be destroyed: they stay until the node restarts');
        }
      }),
    );
  }

  #session(node: MediaNode): Promise<{ client: JanusClient; janus: JanusSession }> {
    const open = async () => {
      try {
        const client = await JanusClient.connect(node.url, { requestTimeoutMs: this.#opts.requestTimeoutMs, logger: this.#opts.log });
        client.on('closed', () => this.#lost(node));
        const janus = await client.createSession();
        this.#routeStats(janus);
        return { client, janus };
      } catch (error) {
        node.session = undefined;
        throw error instanceof ParleyError ? error : new ParleyError('MEDIA_UNAVAILABLE', `Janus at ${node.url}: ${String(error)}`, { cause: error });
      }
    };
    node.session ??= open();
    return node.session;
  }

  /** A node's stats events go to the handles of the session this server holds on it (Janus numbers sessions at random). */
  #routeStats(janus: JanusSession): void {
    const events = this.#events;
    if (!events) return;
    const off = events.on('stats', ({ sessionId, handleId, stats }) => {
      if (sessionId === janus.id) janus.deliverStats(handleId, stats);
    });
    janus.on('gone', off);
  }

  #lost(node: MediaNode): void {
    if (!node.session) return;
    node.session = undefined;
    this.emit('nodeLost', node.url);
  }

  async close(): Promise<void> {
    const sessions = this.#nodes.map((n) => n.session);
    for (const n of this.#nodes) n.session = undefined;
    await Promise.allSettled(
      sessions.map(async (s) => {
        const opened = await s;
        await opened?.janus.destroy();
        await opened?.client.close();
      }),
    );
    await this.#process?.stop();
    if (!this.#process) await this.#events?.close();
  }
}
