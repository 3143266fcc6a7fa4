import { describe, expect, it } from 'vitest';
import {
  attributeOf,
  decodeStun,
  decodeXorAddress,
  encodeStun,
  encodeXorAddress,
  errorCodeOf,
  hasValidIntegrity,
  longTermKey,
  STUN_ATTRIBUTE,
  STUN_CLASS,
  STUN_METHOD,
  stunMessageLength,
} from './stun-message.ts';

const TRANSACTION = Buffer.from('b7e7a701bc34d686fa87dfae', 'hex');
const KEY = longTermKey('1700000600:alice', 'parley', 'secret-password');

describe('a STUN message on the wire', () => {
  it('puts method and class into the message type as RFC 8489 interleaves them', () => {
    const type = (method: number, cls: number) =>
      encodeStun({ method, cls, transactionId: TRANSACTION, attributes: [] }).readUInt16BE(0);
    expect(type(STUN_METHOD.allocate, STUN_CLASS.request)).toBe(0x0003);
    expect(type(STUN_METHOD.allocate, STUN_CLASS.success)).toBe(0x0103);
    expect(type(STUN_METHOD.allocate, STUN_CLASS.error)).toBe(0x0113);
    expect(type(STUN_METHOD.createPermission, STUN_CLASS.request)).toBe(0x0008);
    expect(decodeStun(encodeStun({ method: STUN_METHOD.refresh, cls: STUN_CLASS.error, transactionId: TRANSACTION, attributes: [] })))
      .toMatchObject({ method: STUN_METHOD.refresh, cls: STUN_CLASS.error });
  });

  it('decodes what it encodes, attributes padded to four bytes and read back at their own length', () => {
    const wire = encodeStun({
      method: STUN_METHOD.allocate,
      cls: STUN_CLASS.request,
      transactionId: TRANSACTION,
      attributes: [
        { type: STUN_ATTRIBUTE.username, value: Buffer.from('bob') },
        { type: STUN_ATTRIBUTE.realm, value: Buffer.from('parley') },
      ],
    });
    expect(wire.length % 4).toBe(0);
    expect(stunMessageLength(wire)).toBe(wire.length);
    const message = decodeStun(wire);
    expect(message?.transactionId.equals(TRANSACTION)).toBe(true);
    expect(attributeOf(message!, STUN_ATTRIBUTE.username)?.toString()).toBe('bob');
    expect(attributeOf(message!, STUN_ATTRIBUTE.realm)?.toString()).toBe('parley');
    // FINGERPRINT comes last.
    expect(message?.attributes.at(-1)?.type).toBe(STUN_ATTRIBUTE.fingerprint);
  });

  it('is not STUN when the magic cookie is missing or the first bits are set (RTP, DTLS)', () => {
    const wire = encodeStun({ method: STUN_METHOD.allocate, cls: STUN_CLASS.request, transactionId: TRANSACTION, attributes: [] });
    const rtp = Buffer.from(wire);
    rtp[0] = 0x80;
    const noCookie = Buffer.from(wire);
    noCookie.writeUInt32BE(0, 4);
    expect(decodeStun(rtp)).toBeUndefined();
    expect(decodeStun(noCookie)).toBeUndefined();
    expect(decodeStun(wire.subarray(0, 12))).toBeUndefined();
  });
});

describe('MESSAGE-INTEGRITY with a long-term key', () => {
  const signed = encodeStun(
    {
      method: STUN_METHOD.allocate,
      cls: STUN_CLASS.success,
      transactionId: TRANSACTION,
      attributes: [{ type: STUN_ATTRIBUTE.lifetime, value: Buffer.from([0, 0, 2, 88]) }],
    },
    KEY,
  );

  it('checks out under the same key, and not under another', () => {
    expect(hasValidIntegrity(signed, KEY)).toBe(true);
    expect(hasValidIntegrity(signed, longTermKey('1700000600:alice', 'parley', 'wrong'))).toBe(false);
  });

  it('fails when a covered byte changes, and is absent from an unsigned message', () => {
    const tampered = Buffer.from(signed);
    tampered.writeUInt8(tampered.readUInt8(27) ^ 1, 27); // inside LIFETIME
    expect(hasValidIntegrity(tampered, KEY)).toBe(false);
    const unsigned = encodeStun({ method: STUN_METHOD.allocate, cls: STUN_CLASS.success, transactionId: TRANSACTION, attributes: [] });
    expect(hasValidIntegrity(unsigned, KEY)).toBe(false);
  });
});

describe('attribute values', () => {
  it('XORs addresses with the magic cookie (RFC 5769 §2.2: 192.0.2.1:32853)', () => {
    const value = encodeXorAddress({ address: '192.0.2.1', port: 32853 });
    expect(value.toString('hex')).toBe('0001a147e112a643');
    expect(decodeXorAddress(value)).toEqual({ address: '192.0.2.1', port: 32853 });
    expect(() => encodeXorAddress({ address: '::1', port: 1 })).toThrow(/IPv4/);
  });

  it('reads ERROR-CODE as class × 100 + number, with its reason', () => {
    const wire = encodeStun({
      method: STUN_METHOD.allocate,
      cls: STUN_CLASS.error,
      transactionId: TRANSACTION,
      attributes: [{ type: STUN_ATTRIBUTE.errorCode, value: Buffer.concat([Buffer.from([0, 0, 4, 38]), Buffer.from('Stale Nonce')]) }],
    });
    expect(errorCodeOf(decodeStun(wire)!)).toEqual({ code: 438, reason: 'Stale Nonce' });
  });
});
