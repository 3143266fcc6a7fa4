import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypedEmitter } from '@parley/protocol';
import { reportTo } from '../util/listener-errors.ts';
import { type Logger, noopLogger } from '../util/logger.ts';
import { findExecutable, SupervisedProcess, type SupervisedProcessEvents } from '../util/supervised-process.ts';
import { freeTcpPort, freeUdpPortRange } from './free-ports.ts';
import { JanusClient } from './janus-client.ts';
import { detectMediaInterface, type MediaInterface, writeJanusConfig } from './janus-config.ts';
import { JanusEventsServer } from './janus-events-server.ts';
import { requireJanusLibDir } from './janus-lib-dir.ts';

export interface JanusProcessOptions {
  /** The janus binary: a path, or a name looked up in PATH. */
  janusPath?: string;
  /** Config goes to `<dataDir>/janus`; without it, to a temp dir removed on stop. */
  dataDir?: string;
  /** PARLEY_MEDIA_INTERFACE: interface name or IPv4 address; auto-detected if absent. */
  mediaInterface?: string;
  /** The public address to announce behind 1:1 NAT (Janus's nat_1_1_mapping). */
  publicIp?: string | undefined;
  /** Janus's modules (PARLEY_JANUS_LIB_DIR); found on the system by default (janus-lib-dir.ts). */
  libDir?: string | undefined;
  /** VideoRoom admin_key (JANUS_ADMIN_KEY); a random one by default. */
  adminKey?: string;
  /** How long Janus may take to answer `info` after spawn. */
  startTimeoutMs?: number;
  /** Size of the RTP port range. */
  rtpPorts?: number;
  /** Picks the port of Janus's WebSocket API (a free one, from the OS, by default). */
  pickWsPort?: () => Promise<number>;
  debugLevel?: number;
  /** Restart back-off: first delay, doubled each failure up to max. */
  restartDelayMs?: { initial: number; max: number };
  logger?: Logger;
}

/** `exited`: Janus died and a restart is scheduled; `restarted`: it answers again, at the same url, with no sessions or rooms. */
export type JanusProcessEvents = SupervisedProcessEvents;

/** What Janus prints when its WebSocket port is taken, and how many ports a start tries. */
const WS_PORT_TAKEN = 'Error creating vhost for Websockets server';
const WS_PORT_ATTEMPTS = 3;

/**
 * Runs and supervises a local Janus: generated config, free ports, and what
 * SupervisedProcess does — restart with back-off when it dies, and no orphan
 * ever (spawned through `setpriv --pdeathsig KILL`). It counts as started
 * once it answers `info` with the VideoRoom plugin loaded.
 */
export class JanusProcess extends TypedEmitter<JanusProcessEvents> {
  readonly #opts: JanusProcessOptions;
  readonly #log: Logger;
  #process: SupervisedProcess | undefined;
  #stopped: Promise<void> | undefined;
  #port = 0;
  #media: MediaInterface | undefined;
  #configDir: string | undefined;
  #tempDir = false;
  #rtpRange: { min: number; max: number } | undefined;
  #events: JanusEventsServer | undefined;
  /** Only the holder of this key can create rooms in this Janus. */
  readonly adminKey: string;

  constructor(opts: JanusProcessOptions = {}) {
    const log = opts.logger ?? noopLogger;
    super(reportTo(log));
    this.#opts = opts;
    this.#log = log;
    this.adminKey = opts.adminKey ?? randomBytes(24).toString('base64url');
  }

  /** The Janus WebSocket API, on loopback. */
  get url(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  /** The pid of the running Janus, if one runs. */
  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** The address Janus offers to browsers. */
  get mediaAddress(): string {
    if (!this.#media) throw new Error('JanusProcess not started');
    return this.#media.address;
  }

  get mediaInterface(): MediaInterface | undefined {
    return this.#media;
  }

  get configDir(): string | undefined {
    return this.#configDir;
  }

  get rtpPortRange(): { min: number; max: number } | undefined {
    return this.#rtpRange;
  }

  /** Janus's media stats per handle, from its WebSocket event handler (once started). */
  get events(): JanusEventsServer | undefined {
    return this.#events;
  }

  /** Writes the config, spawns Janus and resolves once it answers `info`. */
  async start(): Promise<void> {
    if (this.#process) throw new Error('JanusProcess already started');
    const janus = await findExecutable(this.#opts.janusPath ?? 'janus');
    if (!janus) throw new Error('janus not found: install it (apt-get install janus) or set its path');
    const libDir = requireJanusLibDir(this.#opts.libDir);
    this.#media = detectMediaInterface(this.#opts.mediaInterface);
    this.#rtpRange = await freeUdpPortRange(this.#opts.rtpPorts ?? 200);
    // Listening before Janus starts: its event handler connects at once (and again after each restart).
    this.#events = await JanusEventsServer.listen(this.#log);
    if (this.#opts.dataDir) this.#configDir = join(this.#opts.dataDir, 'janus');
    else {
      this.#configDir = await mkdtemp(join(tmpdir(), 'parley-janus-'));
      this.#tempDir = true;
    }
    // The WebSocket port was free when picked, but anything on the machine may take it before Janus binds it (a
    // test suite opens sockets all the time): Janus then cannot start its transport and exits. Another port, then.
    for (let attempt = 1; ; attempt++) {
      this.#port = await (this.#opts.pickWsPort ?? freeTcpPort)();
      await writeJanusConfig({
        dir: this.#configDir,
        wsPort: this.#port,
        rtpPortRange: this.#rtpRange,
        mediaInterface: this.#media,
        publicIp: this.#opts.publicIp,
        adminKey: this.adminKey,
        libDir,
        debugLevel: this.#opts.debugLevel ?? 4,
        eventsUrl: this.#events.url,
      });
      const supervised = new SupervisedProcess({
        name: 'janus',
        file: janus,
        args: ['-F', this.#configDir, '-o'],
        probe: () => this.#answersInfo(),
        startTimeoutMs: this.#opts.startTimeoutMs ?? 10_000,
        restartDelayMs: this.#opts.restartDelayMs ?? { initial: 500, max: 10_000 },
        isErrorLine: (line) => line.includes('[ERR]'),
        logger: this.#log,
      });
      supervised.on('exited', (info) => this.emit('exited', info));
      supervised.on('restarted', (info) => this.emit('restarted', info));
      this.#process = supervised;
      try {
        await supervised.start();
        break;
      } catch (error) {
        if (attempt >= WS_PORT_ATTEMPTS || !supervised.outputTail().includes(WS_PORT_TAKEN)) throw error;
        await supervised.stop();
        this.#log.warn({ port: this.#port, attempt }, 'janus could not bind its WebSocket port: trying another');
      }
    }
    this.#log.info({ pid: this.pid, url: this.url, media: this.#media, rtp: this.#rtpRange }, 'janus started');
  }

  /** Stops Janus (SIGTERM, SIGKILL after 3 s) and cancels restarts. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#process?.stop();
      await this.#events?.close();
      if (this.#tempDir && this.#configDir) await rm(this.#configDir, { recursive: true, force: true });
      this.#log.info('janus stopped');
    })();
    return this.#stopped;
  }

  /** The last lines Janus printed, for error messages and diagnostics. */
  outputTail(): string {
    return this.#process?.outputTail() ?? '';
  }

  /** Resolves if Janus answers `info` on its WebSocket API with the VideoRoom plugin loaded. */
  async #answersInfo(): Promise<void> {
    const client = await JanusClient.connect(this.url, { requestTimeoutMs: 1_000, connectTimeoutMs: 1_000 });
    try {
      const info = await client.info();
      const plugins = (info.plugins ?? {}) as Record<string, unknown>;
      if (!('janus.plugin.videoroom' in plugins)) throw new Error('Janus runs without the VideoRoom plugin');
    } finally {
      await client.close();
    }
  }
}
