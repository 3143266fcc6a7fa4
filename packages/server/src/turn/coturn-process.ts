import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TypedEmitter } from '@parley/protocol';
import { freeTcpPort, freeUdpPortRange } from '../media/free-ports.ts';
import { detectMediaInterface, type MediaInterface } from '../media/janus-config.ts';
import { reportTo } from '../util/listener-errors.ts';
import { type Logger, noopLogger } from '../util/logger.ts';
import { findExecutable, SupervisedProcess, type SupervisedProcessEvents } from '../util/supervised-process.ts';
import { countCoturnAllocations } from './coturn-cli.ts';
import { writeCoturnConfig } from './coturn-config.ts';
import { TurnClient } from './turn-client.ts';
import { TurnCredentials } from './turn-credentials.ts';

export interface CoturnProcessOptions {
  /** The turnserver binary: a path, or a name looked up in PATH. */
  turnserverPath?: string;
  /** Config goes to `<dataDir>/coturn`; without it, to a temp dir removed on stop. */
  dataDir?: string;
  /** Interface name or IPv4 address to listen and relay on (like PARLEY_MEDIA_INTERFACE); auto-detected if absent. */
  mediaInterface?: string;
  /** UDP+TCP(+TLS) port; a free one by default. */
  port?: number;
  /** Number of relay ports (one per allocation, that is per browser peer connection relayed). */
  relayPorts?: number;
  /** coturn's static-auth-secret; a random one by default. */
  secret?: string;
  realm?: string;
  /** Addresses relays may send to: the media servers' (Janus's media address). */
  allowedPeers: readonly string[];
  /** The public address behind 1:1 NAT (coturn's external-ip). */
  externalIp?: string | undefined;
  /** PEM files for `turns:` on the same port. */
  tls?: { certFile: string; keyFile: string };
  /** How long coturn may take to hand out its first relay after spawn. */
  startTimeoutMs?: number;
  restartDelayMs?: { initial: number; max: number };
  logger?: Logger;
}

export type CoturnProcessEvents = SupervisedProcessEvents;

/** How many times a random port is tried before giving up: TCP and UDP must both be free on it. */
const PORT_ATTEMPTS = 10;

/** A TCP port free on `address` whose UDP twin is free too. */
async function freeTcpAndUdpPort(address: string): Promise<number> {
  for (let i = 0; i < PORT_ATTEMPTS; i++) {
    const port = await freeTcpPort(address);
    try {
      await freeUdpPortRange(1, { min: port, max: port }, 1);
      return port;
    } catch {}
  }
  throw new Error(`no port free for both TCP and UDP on ${address} after ${PORT_ATTEMPTS} tries`);
}

/**
 * Runs and supervises a local coturn: generated config (listening on one
 * address and one port, relaying only to the media servers, credentials only
 * from the shared secret, its CLI on loopback for allocation counts), and
 * everything SupervisedProcess does: no orphan, restart with back-off. It
 * counts as started once it allocates a relay for a credential signed with its
 * secret, so a coturn that runs but would refuse the server's credentials never
 * counts as up.
 */
export class CoturnProcess extends TypedEmitter<CoturnProcessEvents> {
  readonly #opts: CoturnProcessOptions;
  readonly #log: Logger;
  /** Signs TURN credentials this coturn accepts (TurnCredentials takes it for clients). */
  readonly secret: string;
  readonly realm: string;
  #process: SupervisedProcess | undefined;
  #media: MediaInterface | undefined;
  #port = 0;
  #relayRange: { min: number; max: number } | undefined;
  #cli: { port: number; password: string } | undefined;
  #configDir: string | undefined;
  #tempDir = false;
  #stopped: Promise<void> | undefined;

  constructor(opts: CoturnProcessOptions) {
    const log = opts.logger ?? noopLogger;
    super(reportTo(log));
    this.#opts = opts;
    this.#log = log;
    this.secret = opts.secret ?? randomBytes(24).toString('base64url');
    this.realm = opts.realm ?? 'parley';
    // Both go into a line-based config file as they are.
    if (!/^[\x21-\x7e]+$/.test(this.secret)) throw new Error('CoturnProcess: the secret must be printable ASCII without spaces');
    if (!/^[A-Za-z0-9.-]+$/.test(this.realm)) throw new Error(`CoturnProcess: realm ${JSON.stringify(this.realm)} is not a domain-like name`);
    if (opts.allowedPeers.length === 0) throw new Error('CoturnProcess: allowedPeers is empty, so no relay could reach the media server');
  }

  /** The address coturn listens and relays on. */
  get address(): string {
    if (!this.#media) throw new Error('CoturnProcess not started');
    return this.#media.address;
  }

  get port(): number {
    return this.#port;
  }

  get relayPortRange(): { min: number; max: number } | undefined {
    return this.#relayRange;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  get configDir(): string | undefined {
    return this.#configDir;
  }

  /**
   * The ICE server URLs this coturn serves, for RTCIceServer.urls. `host` is
   * what browsers should dial (a public name or address); `turns:` needs a name
   * the certificate covers.
   */
  urls(host = this.address): string[] {
    const plain = [`turn:${host}:${this.#port}?transport=udp`, `turn:${host}:${this.#port}?transport=tcp`];
    return this.#opts.tls ? [...plain, `turns:${host}:${this.#port}?transport=tcp`] : plain;
  }

  /** The last lines coturn printed. */
  outputTail(): string {
    return this.#process?.outputTail() ?? '';
  }

  /** Writes the config, spawns coturn and resolves once it allocates a relay for one of our credentials. */
  async start(): Promise<void> {
    if (this.#process) throw new Error('CoturnProcess already started');
    const turnserver = await findExecutable(this.#opts.turnserverPath ?? 'turnserver');
    if (!turnserver) throw new Error('turnserver not found: install it (apt-get install coturn) or set its path');
    this.#media = detectMediaInterface(this.#opts.mediaInterface);
    this.#port = this.#opts.port ?? (await freeTcpAndUdpPort(this.#media.address));
    this.#relayRange = await freeUdpPortRange(this.#opts.relayPorts ?? 100);
    this.#cli = { port: await freeTcpPort('127.0.0.1'), password: randomBytes(18).toString('base64url') };
    if (this.#opts.dataDir) this.#configDir = join(this.#opts.dataDir, 'coturn');
    else {
      this.#configDir = await mkdtemp(join(tmpdir(), 'parley-coturn-'));
      this.#tempDir = true;
    }
    const configFile = await writeCoturnConfig({
      dir: this.#configDir,
      address: this.#media.address,
      port: this.#port,
      relayPortRange: this.#relayRange,
      secret: this.secret,
      realm: this.realm,
      allowedPeers: this.#opts.allowedPeers,
      tls: this.#opts.tls,
      externalIp: this.#opts.externalIp,
      cli: this.#cli,
    });
    const supervised = new SupervisedProcess({
      name: 'coturn',
      file: turnserver,
      args: ['-c', configFile],
      probe: () => this.#allocateOnce(),
      startTimeoutMs: this.#opts.startTimeoutMs ?? 10_000,
      restartDelayMs: this.#opts.restartDelayMs ?? { initial: 500, max: 10_000 },
      isErrorLine: (line) => /ERROR|cannot|failed/i.test(line),
      logger: this.#log,
    });
    supervised.on('exited', (info) => this.emit('exited', info));
    supervised.on('restarted', (info) => this.emit('restarted', info));
    this.#process = supervised;
    await supervised.start();
    this.#log.info({ pid: this.pid, address: this.address, port: this.#port, relay: this.#relayRange, tls: !!this.#opts.tls }, 'coturn started');
  }

  /** How many TURN allocations coturn holds now (asked through its loopback CLI). */
  allocations(): Promise<number> {
    if (!this.#cli) return Promise.reject(new Error('CoturnProcess not started'));
    return countCoturnAllocations({ host: '127.0.0.1', ...this.#cli });
  }

  /** Stops coturn and cancels restarts. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#process?.stop();
      if (this.#tempDir && this.#configDir) await rm(this.#configDir, { recursive: true, force: true });
      this.#log.info('coturn stopped');
    })();
    return this.#stopped;
  }

  /** Allocates a relay over UDP with a fresh credential, and releases it again. */
  async #allocateOnce(): Promise<void> {
    const credential = new TurnCredentials({ secret: this.secret, lifetimeSeconds: 60 }).issue('parley-probe');
    const client = await TurnClient.connect({ host: this.address, port: this.#port, transport: 'udp' }, { timeoutMs: 1_000 });
    try {
      const allocation = await client.allocate({ username: credential.username, password: credential.credential });
      if (!allocation.ok) throw new Error(`coturn refused our own credential: ${allocation.code} ${allocation.reason}`);
      await client.release();
    } finally {
      client.close();
    }
  }
}
