/**
 * The part of STUN (RFC 8489) and TURN (RFC 8656) that a TURN client needs to
 * allocate a relay and ask for permissions: encoding requests with
 * long-term-credential MESSAGE-INTEGRITY and FINGERPRINT, and decoding
 * responses. Just enough to check a TURN server from Node; the browser does the
 * real thing.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';

const MAGIC_COOKIE = 0x2112a442;
const HEADER_BYTES = 20;

export const STUN_METHOD = { binding: 0x001, allocate: 0x003, refresh: 0x004, createPermission: 0x008 } as const;

export const STUN_CLASS = { request: 0x000, success: 0x100, error: 0x110 } as const;

export const STUN_ATTRIBUTE = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  lifetime: 0x000d,
  xorPeerAddress: 0x0012,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
  xorMappedAddress: 0x0020,
  fingerprint: 0x8028,
} as const;

/** REQUESTED-TRANSPORT's protocol number for UDP, the only relay transport WebRTC asks for. */
export const TRANSPORT_UDP = 17;

export interface StunAttribute {
  type: number;
  value: Buffer;
}

export interface StunMessage {
  method: number;
  cls: number;
  transactionId: Buffer;
  attributes: StunAttribute[];
}

export interface TransportAddress {
  address: string;
  port: number;
}

/** The long-term credential key: MD5(username ":" realm ":" password). */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest();
}

export function newTransactionId(): Buffer {
  return randomBytes(12);
}

/** Method and class bits are interleaved in the 14-bit message type. */
function messageType(method: number, cls: number): number {
  return (method & 0x00f) | ((method & 0x070) << 1) | ((method & 0xf80) << 2) | cls;
}

function splitType(type: number): { method: number; cls: number } {
  return {
    method: (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2),
    cls: type & 0x0110,
  };
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function header(type: number, bodyLength: number, transactionId: Buffer): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(bodyLength, 2);
  h.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(h, 8);
  return h;
}

/** CRC-32 (IEEE), for FINGERPRINT. */
function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Encodes a message. With `integrityKey`, MESSAGE-INTEGRITY (HMAC-SHA1 over the
 * message, its length field already counting the integrity attribute) follows
 * the given attributes; FINGERPRINT always comes last.
 */
export function encodeStun(message: StunMessage, integrityKey?: Buffer): Buffer {
  const type = messageType(message.method, message.cls);
  let body = Buffer.concat(message.attributes.map((a) => attribute(a.type, a.value)));
  if (integrityKey) {
    const withIntegrity = Buffer.concat([header(type, body.length + 24, message.transactionId), body]);
    const hmac = createHmac('sha1', integrityKey).update(withIntegrity).digest();
    body = Buffer.concat([body, attribute(STUN_ATTRIBUTE.messageIntegrity, hmac)]);
  }
  const forFingerprint = Buffer.concat([header(type, body.length + 8, message.transactionId), body]);
  const fingerprint = Buffer.alloc(4);
  fingerprint.writeUInt32BE((crc32(forFingerprint) ^ 0x5354554e) >>> 0);
  return Buffer.concat([forFingerprint, attribute(STUN_ATTRIBUTE.fingerprint, fingerprint)]);
}

/** The length of the STUN message at the start of `data`, or undefined until its header is there. */
export function stunMessageLength(data: Buffer): number | undefined {
  return data.length < HEADER_BYTES ? undefined : HEADER_BYTES + data.readUInt16BE(2);
}

/** The attributes of a message that ends at `end`, each with where it starts. */
function* attributesIn(data: Buffer, end: number): Generator<StunAttribute & { offset: number }> {
  for (let at = HEADER_BYTES; at + 4 <= end; ) {
    const type = data.readUInt16BE(at);
    const length = data.readUInt16BE(at + 2);
    yield { type, value: data.subarray(at + 4, Math.min(end, at + 4 + length)), offset: at };
    at += 4 + Math.ceil(length / 4) * 4;
  }
}

/** Decodes one message; undefined for anything that is not STUN. */
export function decodeStun(data: Buffer): StunMessage | undefined {
  if (data.length < HEADER_BYTES || (data[0] ?? 0xff) & 0xc0 || data.readUInt32BE(4) !== MAGIC_COOKIE) return undefined;
  const end = HEADER_BYTES + data.readUInt16BE(2);
  if (end > data.length) return undefined;
  const attributes = [...attributesIn(data, end)].map(({ type, value }) => ({ type, value }));
  return { ...splitType(data.readUInt16BE(0)), transactionId: data.subarray(8, 20), attributes };
}

/**
 * Whether the MESSAGE-INTEGRITY of an encoded message checks out under `key`:
 * a client accepts a success only from someone who knows the password too.
 */
export function hasValidIntegrity(data: Buffer, key: Buffer): boolean {
  const end = stunMessageLength(data);
  if (end === undefined || end > data.length) return false;
  for (const { type, value, offset } of attributesIn(data, end)) {
    if (type !== STUN_ATTRIBUTE.messageIntegrity) continue;
    if (value.length !== 20) return false;
    // The HMAC covers everything before the attribute, with a length that counts it.
    const covered = Buffer.from(data.subarray(0, offset));
    covered.writeUInt16BE(offset + 24 - HEADER_BYTES, 2);
    return timingSafeEqual(createHmac('sha1', key).update(covered).digest(), value);
  }
  return false;
}

export function attributeOf(message: StunMessage, type: number): Buffer | undefined {
  return message.attributes.find((a) => a.type === type)?.value;
}

/** ERROR-CODE as `{ code: 401, reason: 'Unauthorized' }`. */
export function errorCodeOf(message: StunMessage): { code: number; reason: string } | undefined {
  const value = attributeOf(message, STUN_ATTRIBUTE.errorCode);
  if (!value || value.length < 4) return undefined;
  return { code: (value[2] ?? 0) * 100 + (value[3] ?? 0), reason: value.subarray(4).toString('utf8') };
}

/** An XOR-…-ADDRESS value (IPv4 only: the relays Parley runs are IPv4). */
export function encodeXorAddress({ address, port }: TransportAddress): Buffer {
  if (!isIPv4(address)) throw new Error(`not an IPv4 address: ${address}`);
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1);
  value.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2);
  const ip = Buffer.from(address.split('.').map(Number)).readUInt32BE(0);
  value.writeUInt32BE((ip ^ MAGIC_COOKIE) >>> 0, 4);
  return value;
}

export function decodeXorAddress(value: Buffer | undefined): TransportAddress | undefined {
  if (!value || value.length < 8 || value[1] !== 0x01) return undefined;
  const ip = (value.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0;
  return {
    address: [ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff].join('.'),
    port: value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16),
  };
}

export function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}
