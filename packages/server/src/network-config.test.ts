/** The network settings (TLS, CORS, public address, TURN): read, defaulted, and refused by name. */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { DEFAULTS } from './defaults.ts';
import { makeTestCertificate } from './testing/test-certificate.ts';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`expected loadConfig to refuse ${JSON.stringify(env)}`);
}

const cert = makeTestCertificate();
const other = makeTestCertificate();
afterAll(() => {
  cert.remove();
  other.remove();
});

describe('a server with no network settings', () => {
  const { network } = loadConfig({});
  it('serves plain HTTP, allows no other origin, announces its own address and has no TURN on loopback', () => {
    expect(network).toEqual({
      tls: undefined,
      corsOrigins: [],
      publicIp: undefined,
      stunUrl: undefined,
      turn: { mode: 'off' },
      turnCredentialTtlSeconds: DEFAULTS.turnCredentialTtlSeconds,
    });
  });
});

describe('a server listening off loopback', () => {
  it('runs an embedded TURN server unless told otherwise', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).network.turn).toEqual({ mode: 'embedded' });
    expect(loadConfig({ HOST: '0.0.0.0', PARLEY_TURN: 'off' }).network.turn).toEqual({ mode: 'off' });
  });
});

describe('good network settings', () => {
  it('reads each one', () => {
    const { network } = loadConfig({
      PARLEY_TLS_CERT: cert.certFile,
      PARLEY_TLS_KEY: cert.keyFile,
      PARLEY_CORS_ORIGINS: 'https://app.example.com, http://localhost:3000',
      PARLEY_PUBLIC_IP: '203.0.113.7',
      PARLEY_TURN_URLS: 'turn:turn.example.com:3478?transport=udp,turns:turn.example.com:443?transport=tcp',
      PARLEY_TURN_SECRET: 'x'.repeat(32),
      PARLEY_TURN_TTL_SECONDS: '600',
    });
    expect(network.tls?.certFile).toBe(cert.certFile);
    expect(network.tls?.key.toString()).toContain('PRIVATE KEY');
    expect(network.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:3000']);
    expect(network.publicIp).toBe('203.0.113.7');
    expect(network.turn).toEqual({
      mode: 'external',
      urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:443?transport=tcp'],
      secret: 'x'.repeat(32),
    });
    expect(network.turnCredentialTtlSeconds).toBe(600);
  });
});

describe('bad network settings stop the start, naming the variable', () => {
  it('an external TURN server without its secret', () => {
    expect(refusal({ PARLEY_TURN_URLS: 'turn:t.example.com:3478' })).toMatch(/PARLEY_TURN_URLS: expected PARLEY_TURN_SECRET/);
  });

  it('a TLS key that does not match the certificate', () => {
    expect(refusal({ PARLEY_TLS_CERT: cert.certFile, PARLEY_TLS_KEY: other.keyFile })).toMatch(
      /PARLEY_TLS_KEY: expected the private key of the certificate in PARLEY_TLS_CERT/,
    );
  });

  it('a certificate file that is missing or not a certificate', () => {
    expect(refusal({ PARLEY_TLS_CERT: '/nonexistent/cert.pem', PARLEY_TLS_KEY: cert.keyFile })).toMatch(/PARLEY_TLS_CERT: expected a readable PEM certificate/);
    const garbage = `${cert.certFile}.bad`;
    writeFileSync(garbage, 'not a certificate');
    expect(refusal({ PARLEY_TLS_CERT: garbage, PARLEY_TLS_KEY: cert.keyFile })).toMatch(/PARLEY_TLS_CERT: expected a readable PEM certificate/);
  });

  it('a certificate without its key', () => {
    expect(refusal({ PARLEY_TLS_CERT: cert.certFile })).toMatch(/PARLEY_TLS_KEY: expected a PEM private key file/);
  });

  it('a public address that is not an IP', () => {
    expect(refusal({ PARLEY_PUBLIC_IP: 'calls.example.com' })).toMatch(/PARLEY_PUBLIC_IP: expected an IPv4 address \(got "calls.example.com"\)/);
  });

  it('a CORS origin with a path, or a wildcard', () => {
    expect(refusal({ PARLEY_CORS_ORIGINS: 'https://app.example.com/page' })).toMatch(/PARLEY_CORS_ORIGINS: expected origins/);
    expect(refusal({ PARLEY_CORS_ORIGINS: '*' })).toMatch(/PARLEY_CORS_ORIGINS: expected origins/);
  });

  it('a TURN secret is never repeated in the message', () => {
    const message = refusal({ PARLEY_TURN_URLS: 'turn:t.example.com', PARLEY_TURN_SECRET: 'short secret' });
    expect(message).toMatch(/PARLEY_TURN_SECRET: expected at least 16 printable/);
    expect(message).not.toContain('short secret');
  });

  it('a STUN URL beside a given public address', () => {
    expect(refusal({ PARLEY_PUBLIC_IP: '203.0.113.7', PARLEY_STUN_URL: 'stun:stun.example.com:3478' })).toMatch(/PARLEY_STUN_URL: expected unset/);
  });
});
