import { describe, expect, it } from 'vitest';
import { TurnCredentials } from './turn-credentials.ts';

const AT = Date.UTC(2023, 10, 14, 22, 13, 20); // 1700000000 s

describe('a TURN credential', () => {
  const credentials = new TurnCredentials({ secret: 'north-wind', lifetimeSeconds: 600, now: () => AT });

  it('names its expiry and its user in the username', () => {
    const { username, expiresAt } = credentials.issue('alice');
    expect(username).toBe('1700000600:alice');
    expect(expiresAt.toISOString()).toBe('2023-11-14T22:23:20.000Z');
  });

  it('has base64(HMAC-SHA1(secret, username)) as its password, as coturn computes it', () => {
    // Reference value: printf '1700000000:alice' | openssl dgst -sha1 -hmac north-wind -binary | base64
    const atExpiry = new TurnCredentials({ secret: 'north-wind', lifetimeSeconds: 1, now: () => AT - 1_000 });
    expect(atExpiry.issue('alice')).toMatchObject({ username: '1700000000:alice', credential: 'Oko4dt8u/EbTRjRUJWQDFm/zTCc=' });
  });

  it('differs for another secret, and counts its lifetime from the moment it is issued', () => {
    const other = new TurnCredentials({ secret: 'south-wind', lifetimeSeconds: 600, now: () => AT });
    expect(other.issue('alice').username).toBe(credentials.issue('alice').username);
    expect(other.issue('alice').credential).not.toBe(credentials.issue('alice').credential);
    let now = AT;
    const ticking = new TurnCredentials({ secret: 'north-wind', lifetimeSeconds: 600, now: () => now });
    now += 30_500;
    expect(ticking.issue('bob').username).toBe('1700000630:bob');
  });

  it('cannot be made without a secret or with a lifetime that is not a positive number of seconds', () => {
    expect(() => new TurnCredentials({ secret: '', lifetimeSeconds: 600 })).toThrow(/secret is empty/);
    expect(() => new TurnCredentials({ secret: 's', lifetimeSeconds: 0 })).toThrow(/positive integer/);
    expect(() => new TurnCredentials({ secret: 's', lifetimeSeconds: 1.5 })).toThrow(/positive integer/);
  });
});
