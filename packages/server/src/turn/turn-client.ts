/**
 * A small TURN client: allocate a relay with a long-term credential, ask for a
 * permission towards a peer, release the allocation. CoturnProcess uses it to
 * know that the coturn it started really hands out relays for the credentials
 * the server issues; tests use it to check what coturn refuses.
 *
 * Over UDP a request is sent again after 250 ms, 500 ms, … until the timeout
 * (RFC 8489 §6.2.1); over TCP and TLS it is sent once and STUN messages are
 * framed by their own length.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect as tcpConnect, type Socket as TcpSocket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import {
  attributeOf,
  decodeStun,
  decodeXorAddress,
  encodeStun,
  encodeXorAddress,
  errorCodeOf,
  hasValidIntegrity,
  longTermKey,
  newTransactionId,
  STUN_ATTRIBUTE,
  STUN_CLASS,
  STUN_METHOD,
  type StunAttribute,
  type StunMessage,
  stunMessageLength,
  TRANSPORT_UDP,
  type TransportAddress,
  u32,
} from './stun-message.ts';

export type TurnTransport = 'udp' | 'tcp' | 'tls';

export interface TurnServerAddress {
  host: string;
  port: number;
  transport: TurnTransport;
  /** For `tls`: who to trust (`ca`), the name to check (`servername`), … */
  tls?: ConnectionOptions;
}

export interface TurnAllocation {
  /** The relay coturn opened for this client. */
  relayed: TransportAddress;
  /** This client's address as the TURN server saw it (its public one behind a NAT). */
  mapped: TransportAddress | undefined;
  lifetimeSeconds: number;
}

/** What a TURN server answered: ok with a value, or refused with its STUN error code (401, 403, 437, …). */
export type TurnResult<T> = { ok: true; value: T } | { ok: false; code: number; reason: string };

interface Transport {
  send(data: Buffer): void;
  close(): void;
  /** Each STUN message as it arrives, and the error that ends the transport. */
  listen(onMessage: (raw: Buffer) => void, onGone: (error: Error) => void): void;
}

interface Credential {
  username: string;
  password: string;
}

interface Pending {
  resolve(response: { message: StunMessage; raw: Buffer }): void;
  reject(error: Error): void;
}

const FIRST_RETRANSMIT_MS = 250;

export class TurnClient {
  readonly #server: TurnServerAddress;
  readonly #timeoutMs: number;
  readonly #send: (data: Buffer) => void;
  readonly #close: () => void;
  readonly #pending = new Map<string, Pending>();
  #auth: { username: string; realm: string; nonce: Buffer; key: Buffer } | undefined;
  #closed = false;

  private constructor(server: TurnServerAddress, timeoutMs: number, transport: Transport) {
    this.#server = server;
    this.#timeoutMs = timeoutMs;
    this.#send = (data) => transport.send(data);
    this.#close = () => transport.close();
  }

  /** Opens the socket (and for tcp/tls the connection, handshake included). */
  static async connect(server: TurnServerAddress, opts: { timeoutMs?: number } = {}): Promise<TurnClient> {
    const timeoutMs = opts.timeoutMs ?? 3_000;
    const transport = await openTransport(server, timeoutMs);
    const client = new TurnClient(server, timeoutMs, transport);
    transport.listen(
      (raw) => client.#receive(raw),
      (error) => client.#failAll(error),
    );
    return client;
  }

  /**
   * Allocates a UDP relay. The first request goes without credentials and
   * learns the realm and nonce from the 401; the second carries the credential.
   */
  async allocate(credential: Credential, lifetimeSeconds = 600): Promise<TurnResult<TurnAllocation>> {
    const attributes = [
      { type: STUN_ATTRIBUTE.requestedTransport, value: Buffer.from([TRANSPORT_UDP, 0, 0, 0]) },
      { type: STUN_ATTRIBUTE.lifetime, value: u32(lifetimeSeconds) },
    ];
    const challenge = await this.#request(STUN_METHOD.allocate, attributes);
    if (challenge.message.cls === STUN_CLASS.success) {
      await this.#request(STUN_METHOD.refresh, [{ type: STUN_ATTRIBUTE.lifetime, value: u32(0) }]);
      throw new Error('the TURN server allocated without asking for credentials: it is an open relay');
    }
    if (errorCodeOf(challenge.message)?.code !== 401) return this.#refused(challenge.message);
    this.#learnChallenge(challenge.message, credential);
    const response = await this.#authenticated(STUN_METHOD.allocate, attributes);
    if (!response.ok) return response;
    const relayed = decodeXorAddress(attributeOf(response.value, STUN_ATTRIBUTE.xorRelayedAddress));
    if (!relayed) throw new Error('the TURN server allocated without saying where (no XOR-RELAYED-ADDRESS)');
    return {
      ok: true,
      value: {
        relayed,
        mapped: decodeXorAddress(attributeOf(response.value, STUN_ATTRIBUTE.xorMappedAddress)),
        lifetimeSeconds: attributeOf(response.value, STUN_ATTRIBUTE.lifetime)?.readUInt32BE(0) ?? 0,
      },
    };
  }

  /** Lets the relay exchange packets with `peer` (port ignored by TURN); a 403 when the server forbids that peer. */
  async createPermission(peer: string): Promise<TurnResult<void>> {
    const response = await this.#authenticated(STUN_METHOD.createPermission, [
      { type: STUN_ATTRIBUTE.xorPeerAddress, value: encodeXorAddress({ address: peer, port: 0 }) },
    ]);
    return response.ok ? { ok: true, value: undefined } : response;
  }

  /** A STUN Binding request: the address and port the server saw us from (our public address behind NAT). */
  async binding(): Promise<TransportAddress | undefined> {
    const { message } = await this.#request(STUN_METHOD.binding, []);
    if (message.cls !== STUN_CLASS.success) return undefined;
    return decodeXorAddress(attributeOf(message, STUN_ATTRIBUTE.xorMappedAddress));
  }

  /** Ends the allocation (a Refresh with lifetime 0), so its relay port is free again at once. */
  async release(): Promise<TurnResult<void>> {
    const response = await this.#authenticated(STUN_METHOD.refresh, [{ type: STUN_ATTRIBUTE.lifetime, value: u32(0) }]);
    return response.ok ? { ok: true, value: undefined } : response;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failAll(new Error('TurnClient closed'));
    this.#close();
  }

  #learnChallenge(message: StunMessage, credential: Credential): void {
    const realm = attributeOf(message, STUN_ATTRIBUTE.realm)?.toString('utf8');
    const nonce = attributeOf(message, STUN_ATTRIBUTE.nonce);
    if (realm === undefined || !nonce) throw new Error('the TURN server asked for credentials without a realm and nonce');
    this.#auth = { username: credential.username, realm, nonce, key: longTermKey(credential.username, realm, credential.password) };
  }

  /** A request with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY; once more with the new nonce after a 438 (stale nonce). */
  async #authenticated(method: number, attributes: StunAttribute[], retried = false): Promise<TurnResult<StunMessage>> {
    const auth = this.#auth;
    if (!auth) throw new Error('allocate first: the TURN server has not told us its realm yet');
    const signed = [
      ...attributes,
      { type: STUN_ATTRIBUTE.username, value: Buffer.from(auth.username, 'utf8') },
      { type: STUN_ATTRIBUTE.realm, value: Buffer.from(auth.realm, 'utf8') },
      { type: STUN_ATTRIBUTE.nonce, value: auth.nonce },
    ];
    const { message, raw } = await this.#request(method, signed, auth.key);
    if (message.cls === STUN_CLASS.success) {
      if (!hasValidIntegrity(raw, auth.key)) throw new Error('a TURN success response failed its MESSAGE-INTEGRITY check');
      return { ok: true, value: message };
    }
    const nonce = attributeOf(message, STUN_ATTRIBUTE.nonce);
    if (errorCodeOf(message)?.code === 438 && nonce && !retried) {
      this.#auth = { ...auth, nonce };
      return this.#authenticated(method, attributes, true);
    }
    return this.#refused(message);
  }

  #refused(message: StunMessage): { ok: false; code: number; reason: string } {
    const error = errorCodeOf(message);
    return { ok: false, code: error?.code ?? 0, reason: error?.reason ?? 'an error without ERROR-CODE' };
  }

  #request(method: number, attributes: StunAttribute[], key?: Buffer): Promise<{ message: StunMessage; raw: Buffer }> {
    if (this.#closed) return Promise.reject(new Error('TurnClient closed'));
    const transactionId = newTransactionId();
    const data = encodeStun({ method, cls: STUN_CLASS.request, transactionId, attributes }, key);
    const id = transactionId.toString('hex');
    const where = `${this.#server.transport}:${this.#server.host}:${this.#server.port}`;
    return new Promise((resolve, reject) => {
      let retransmit: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(deadline);
        clearTimeout(retransmit);
        this.#pending.delete(id);
      };
      const deadline = setTimeout(() => {
        done();
        reject(new Error(`no answer from the TURN server at ${where} in ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(id, {
        resolve: (response) => {
          done();
          resolve(response);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      const send = (delayMs: number) => {
        this.#send(data);
        if (this.#server.transport === 'udp') retransmit = setTimeout(() => send(delayMs * 2), delayMs);
      };
      send(FIRST_RETRANSMIT_MS);
    });
  }

  #receive(raw: Buffer): void {
    const message = decodeStun(raw);
    if (!message) return;
    this.#pending.get(message.transactionId.toString('hex'))?.resolve({ message, raw });
  }

  #failAll(error: Error): void {
    for (const pending of [...this.#pending.values()]) pending.reject(error);
  }
}

async function openTransport(server: TurnServerAddress, timeoutMs: number): Promise<Transport> {
  if (server.transport === 'udp') {
    const socket: UdpSocket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(server.port, server.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return {
      send: (data) => socket.send(data),
      close: () => socket.close(),
      listen(onMessage, onGone) {
        socket.on('message', onMessage);
        socket.on('error', onGone);
      },
    };
  }
  const where = `${server.transport}:${server.host}:${server.port}`;
  const socket: TcpSocket = await new Promise((resolve, reject) => {
    const s =
      server.transport === 'tls'
        ? tlsConnect({ host: server.host, port: server.port, ...server.tls }, () => resolve(s))
        : tcpConnect({ host: server.host, port: server.port }, () => resolve(s));
    s.once('error', reject);
    s.setTimeout(timeoutMs, () => s.destroy(new Error(`no connection to the TURN server at ${where} in ${timeoutMs} ms`)));
  });
  socket.setTimeout(0);
  socket.removeAllListeners('error');
  return {
    send: (data) => socket.write(data),
    close: () => socket.destroy(),
    listen(onMessage, onGone) {
      // A stream: each STUN message is as long as its header says.
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        for (let n = stunMessageLength(buffered); n !== undefined && buffered.length >= n; n = stunMessageLength(buffered)) {
          onMessage(buffered.subarray(0, n));
          buffered = buffered.subarray(n);
        }
      });
      socket.on('error', onGone);
      socket.on('close', () => onGone(new Error(`the TURN server at ${where} closed the connection`)));
    },
  };
}
