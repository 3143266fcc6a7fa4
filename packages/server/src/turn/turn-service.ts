/**
 * TURN for the server's clients: which TURN server is in use (PARLEY_TURN,
 * PARLEY_TURN_URLS), and the `iceServers` each client gets in its `join` and
 * `resume` results — short-lived credentials for that user (TurnCredentials).
 *
 * Embedded: a supervised coturn (CoturnProcess) that relays only to the
 * media server, reachable three ways: UDP on its own port, and TCP (TLS when
 * the server has a certificate) through the server's own port, which hands
 * TURN connections to coturn (http/http-server.ts) — so a firewall that lets
 * only the server's port through still lets TURN through.
 */
import type { TurnSetting } from '../network-config.ts';
import type { Logger } from '../util/logger.ts';
import { CoturnProcess } from './coturn-process.ts';
import { TurnCredentials } from './turn-credentials.ts';

/** What a browser's RTCPeerConnection takes (RTCIceServer), with our credential. */
export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

export interface TurnServiceOptions {
  setting: TurnSetting;
  credentialTtlSeconds: number;
  /** Embedded: the address(es) Janus sends and receives media on — the only peers coturn relays to. */
  mediaAddresses: readonly string[];
  /** Embedded: the interface coturn listens on (PARLEY_MEDIA_INTERFACE); Janus's by default. */
  mediaInterface?: string | undefined;
  /** Embedded: PARLEY_PUBLIC_IP, announced in relayed candidates. */
  publicIp?: string | undefined;
  /** The server's certificate: embedded coturn serves `turns:` with it too. */
  tls?: { certFile: string; keyFile: string } | undefined;
  dataDir: string;
  log: Logger;
}

export class TurnService {
  readonly #coturn: CoturnProcess | undefined;
  readonly #external: readonly string[] | undefined;
  readonly #credentials: TurnCredentials;
  readonly #https: boolean;
  readonly #publicIp: string | undefined;

  private constructor(opts: TurnServiceOptions, coturn: CoturnProcess | undefined, secret: string) {
    this.#coturn = coturn;
    this.#external = opts.setting.mode === 'external' ? opts.setting.urls : undefined;
    this.#credentials = new TurnCredentials({ secret, lifetimeSeconds: opts.credentialTtlSeconds });
    this.#https = opts.tls !== undefined;
    this.#publicIp = opts.publicIp;
  }

  /** undefined when TURN is off. Embedded: resolves once coturn hands out a relay for our own credential. */
  static async start(opts: TurnServiceOptions): Promise<TurnService | undefined> {
    const { setting } = opts;
    if (setting.mode === 'off') return undefined;
    if (setting.mode === 'external') return new TurnService(opts, undefined, setting.secret);
    const coturn = new CoturnProcess({
      allowedPeers: opts.mediaAddresses,
      mediaInterface: opts.mediaInterface,
      externalIp: opts.publicIp,
      tls: opts.tls,
      dataDir: opts.dataDir,
      logger: opts.log,
    });
    await coturn.start();
    return new TurnService(opts, coturn, coturn.secret);
  }

  /** For the startup line: which TURN is in use. */
  describe(): string {
    if (this.#coturn) return `embedded coturn on ${this.#coturn.address}:${this.#coturn.port} (UDP/TCP${this.#https ? '/TLS' : ''}), and TCP through the server's port`;
    return `external ${this.#external?.join(', ')}`;
  }

  /** Where the server's port hands TURN connections: the embedded coturn's TCP listener. */
  backend(): { host: string; port: number } | undefined {
    return this.#coturn ? { host: this.#coturn.address, port: this.#coturn.port } : undefined;
  }

  /**
   * The iceServers for `uid`, who reached this server at `hostHeader` (their
   * WebSocket's Host: a name or address, and a port unless it is the scheme's
   * default): TCP and TLS TURN go there too, as they passed whatever firewall
   * lets the client reach the server.
   */
  iceServersFor(uid: string, hostHeader: string | undefined): IceServer[] {
    const { username, credential } = this.#credentials.issue(uid);
    const { hostname, port } = new URL(`http://${hostHeader ?? this.#coturn?.address ?? 'localhost'}`);
    return [{ urls: this.urlsFor(hostname, port ? Number(port) : this.#https ? 443 : 80), username, credential }];
  }

  urlsFor(serverHost: string, serverPort: number): string[] {
    if (!this.#coturn) return [...(this.#external ?? [])];
    const turnHost = this.#publicIp ?? this.#coturn.address;
    const udp = `turn:${turnHost}:${this.#coturn.port}?transport=udp`;
    // The server's port speaks TLS when it has a certificate: then TURN there is turns:, and plain TCP goes to coturn's port.
    if (!this.#https) return [udp, `turn:${serverHost}:${serverPort}?transport=tcp`];
    return [udp, `turn:${turnHost}:${this.#coturn.port}?transport=tcp`, `turns:${serverHost}:${serverPort}?transport=tcp`];
  }

  /**
   * A reader of the embedded coturn's live allocation count, for /metrics;
   * undefined for an external TURN server, whose allocations are not ours to see.
   */
  allocationCounter(): (() => Promise<number>) | undefined {
    const coturn = this.#coturn;
    return coturn ? () => coturn.allocations() : undefined;
  }

  close(): Promise<void> {
    return this.#coturn?.stop() ?? Promise.resolve();
  }
}
