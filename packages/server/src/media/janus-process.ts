import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeTcpPort, freeUdpPortRange } from './free-ports.ts';
import { JanusClient } from './janus-client.ts';
import { detectMediaInterface, type MediaInterface, writeJanusConfig } from './janus-config.ts';
import { requireJanusLibDir } from './janus-lib-dir.ts';
import { type Logger, noopLogger } from '../util/logger.ts';
import { TypedEmitter } from '@parley/protocol';
import { reportTo } from '../util/listener-errors.ts';

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
  debugLevel?: number;
  /** Restart back-off: first delay, doubled each failure up to max. */
  restartDelayMs?: { initial: number; max: number };
  logger?: Logger;
}

export interface JanusProcessEvents {
  /** Janus exited without being asked to; a restart is scheduled. */
  exited: [info: { pid: number | undefined; code: number | null; signal: NodeJS.Signals | null }];
  /** A restarted Janus answers again, at the same url, with no sessions or rooms. */
  restarted: [info: { pid: number; attempt: number }];
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  startedAt: number;
  /** Set once it answered `info`; exits before that are start failures, not crashes. */
  ready: boolean;
}

/** Keep this much of Janus's output for error messages. */
const TAIL_LINES = 40;
/** A Janus that ran this long before dying restarts from the first back-off step. */
const STABLE_MS = 30_000;

async function findExecutable(name: string): Promise<string | undefined> {
  const candidates = name.includes('/') ? [name] : (process.env.PATH ?? '').split(delimiter).map((d) => join(d, name));
  for (const file of candidates) {
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

/**
 * Runs and supervises a local Janus: generated config, free ports, restart
 * with back-off when it dies, and no orphan ever. The last point is why Janus
 * is spawned through `setpriv --pdeathsig KILL`: the kernel then kills Janus
 * when the thread that spawned it dies, even if Node is SIGKILLed. (Node
 * spawns from its main thread, so that means "when the server process dies".)
 */
export class JanusProcess extends TypedEmitter<JanusProcessEvents> {
  readonly #opts: JanusProcessOptions;
  readonly #log: Logger;
  readonly #tail: string[] = [];
  #running: Running | undefined;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #restartAttempt = 0;
  #command: { file: string; args: string[] } | undefined;
  #port = 0;
  #media: MediaInterface | undefined;
  #configDir: string | undefined;
  #tempDir = false;
  #rtpRange: { min: number; max: number } | undefined;
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
    return this.#running?.child.pid;
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

  /** Writes the config, spawns Janus and resolves once it answers `info`. */
  async start(): Promise<void> {
    if (this.#running || this.#command) throw new Error('JanusProcess already started');
    const janus = await findExecutable(this.#opts.janusPath ?? 'janus');
    if (!janus) throw new Error('janus not found: install it (apt-get install janus) or set its path');
    const libDir = requireJanusLibDir(this.#opts.libDir);
    this.#media = detectMediaInterface(this.#opts.mediaInterface);
    this.#port = await freeTcpPort();
    this.#rtpRange = await freeUdpPortRange(this.#opts.rtpPorts ?? 200);
    if (this.#opts.dataDir) this.#configDir = join(this.#opts.dataDir, 'janus');
    else {
      this.#configDir = await mkdtemp(join(tmpdir(), 'parley-janus-'));
      this.#tempDir = true;
    }
    await writeJanusConfig({
      dir: this.#configDir,
      wsPort: this.#port,
      rtpPortRange: this.#rtpRange,
      mediaInterface: this.#media,
      publicIp: this.#opts.publicIp,
      adminKey: this.adminKey,
      libDir,
      debugLevel: this.#opts.debugLevel ?? 4,
    });
    const janusArgs = ['-F', this.#configDir, '-o'];
    const setpriv = await findExecutable('setpriv');
    if (setpriv) this.#command = { file: setpriv, args: ['--pdeathsig', 'KILL', '--', janus, ...janusArgs] };
    else {
      this.#log.warn('setpriv (util-linux) not found: Janus may outlive a killed server');
      this.#command = { file: janus, args: janusArgs };
    }
    await this.#spawnReady();
    this.#log.info({ pid: this.pid, url: this.url, media: this.#media, rtp: this.#rtpRange }, 'janus started');
  }

  /** Stops Janus (SIGTERM, SIGKILL after 3 s) and cancels restarts. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping = true;
      if (this.#restartTimer) clearTimeout(this.#restartTimer);
      this.#restartTimer = undefined;
      const running = this.#running;
      if (running) await this.#kill(running);
      this.#running = undefined;
      if (this.#tempDir && this.#configDir) await rm(this.#configDir, { recursive: true, force: true });
      this.#log.info('janus stopped');
    })();
    return this.#stopped;
  }

  /** The last lines Janus printed, for error messages and diagnostics. */
  outputTail(): string {
    return this.#tail.join('\n');
  }

  async #kill(running: Running): Promise<void> {
    const { child, exited } = running;
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }

  /** Spawns Janus once and waits for it to answer; kills it again if it does not. */
  async #spawnReady(): Promise<void> {
    const running = this.#spawn();
    this.#running = running;
    try {
      await this.#waitReady(running);
      running.ready = true;
    } catch (err) {
      await this.#kill(running);
      if (this.#running === running) this.#running = undefined;
      throw err;
    }
  }

  #spawn(): Running {
    if (!this.#command) throw new Error('JanusProcess not started');
    const child = spawn(this.#command.file, this.#command.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        this.#tail.push(line);
        if (this.#tail.length > TAIL_LINES) this.#tail.shift();
        if (line.includes('[ERR]')) this.#log.warn({ janus: line }, 'janus error output');
        else this.#log.debug({ janus: line }, 'janus output');
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        this.#onExit(child, code, signal);
      });
      child.once('error', (err) => {
        this.#tail.push(`spawn failed: ${err.message}`);
        if (child.pid === undefined) resolve(); // never started: no 'exit' follows
      });
    });
    return { child, exited, startedAt: Date.now(), ready: false };
  }

  async #waitReady(running: Running): Promise<void> {
    const deadline = Date.now() + (this.#opts.startTimeoutMs ?? 10_000);
    let gone = false;
    void running.exited.then(() => {
      gone = true;
    });
    let lastError: unknown;
    while (Date.now() < deadline && !gone && !this.#stopping) {
      try {
        const client = await JanusClient.connect(this.url, { requestTimeoutMs: 1_000, connectTimeoutMs: 1_000 });
        try {
          const info = await client.info();
          const plugins = (info.plugins ?? {}) as Record<string, unknown>;
          if (!('janus.plugin.videoroom' in plugins)) throw new Error('Janus runs without the VideoRoom plugin');
          return;
        } finally {
          await client.close();
        }
      } catch (err) {
        lastError = err;
        await sleep(100);
      }
    }
    const why = this.#stopping ? 'stopped while starting' : gone ? 'exited while starting' : 'did not answer in time';
    throw new Error(
      `Janus ${why} (${this.url}): ${String((lastError as Error | undefined)?.message ?? '')}\n--- janus output ---\n${this.outputTail()}`,
    );
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#stopping || this.#running?.child !== child || !this.#running.ready) return;
    const ranMs = Date.now() - this.#running.startedAt;
    this.#running = undefined;
    this.#log.error({ pid: child.pid, code, signal, tail: this.outputTail() }, 'janus exited unexpectedly');
    this.emit('exited', { pid: child.pid, code, signal });
    if (ranMs > STABLE_MS) this.#restartAttempt = 0;
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    if (this.#stopping) return;
    const { initial, max } = this.#opts.restartDelayMs ?? { initial: 500, max: 10_000 };
    const delay = Math.min(max, initial * 2 ** this.#restartAttempt);
    this.#restartAttempt++;
    const attempt = this.#restartAttempt;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      this.#spawnReady().then(
        () => {
          const pid = this.pid;
          if (this.#stopping || pid === undefined) return;
          this.#log.info({ pid, attempt }, 'janus restarted');
          this.emit('restarted', { pid, attempt });
        },
        (err: unknown) => {
          if (this.#stopping) return;
          this.#log.error({ err, attempt }, 'janus restart failed');
          this.#scheduleRestart();
        },
      );
    }, delay);
  }
}
