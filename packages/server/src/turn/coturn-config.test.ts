import { describe, expect, it } from 'vitest';
import { type CoturnConfigOptions, coturnConf } from './coturn-config.ts';

const BASE: CoturnConfigOptions = {
  dir: '/data/coturn',
  address: '10.99.0.1',
  port: 34780,
  relayPortRange: { min: 40_000, max: 40_099 },
  secret: 'north-wind',
  realm: 'parley',
  allowedPeers: ['10.99.0.1'],
};

const lines = (o: CoturnConfigOptions) => coturnConf(o).split('\n');

describe('the coturn config Parley writes', () => {
  it('listens and relays on one address and one port, with no CLI and no second RFC 5780 port', () => {
    expect(lines(BASE)).toEqual(
      expect.arrayContaining(['listening-ip=10.99.0.1', 'relay-ip=10.99.0.1', 'listening-port=34780', 'no-cli', 'no-rfc5780']),
    );
    expect(lines(BASE)).toEqual(expect.arrayContaining(['min-port=40000', 'max-port=40099']));
  });

  it('opens its CLI on loopback only, behind the password given, when asked to', () => {
    const conf = lines({ ...BASE, cli: { port: 34790, password: 'cli-pass-0123' } });
    expect(conf).toEqual(expect.arrayContaining(['cli-ip=127.0.0.1', 'cli-port=34790', 'cli-password=cli-pass-0123']));
    expect(conf).not.toContain('no-cli');
  });

  it('accepts only credentials signed with the shared secret, in its realm', () => {
    expect(lines(BASE)).toEqual(expect.arrayContaining(['use-auth-secret', 'static-auth-secret=north-wind', 'realm=parley']));
    expect(coturnConf(BASE)).not.toMatch(/^(user|lt-cred-mech)=/m);
  });

  it('denies every peer but the media servers, and relays UDP only', () => {
    const conf = lines({ ...BASE, allowedPeers: ['10.99.0.1', '10.99.0.20-10.99.0.29'] });
    const denied = conf.indexOf('denied-peer-ip=0.0.0.0-255.255.255.255');
    expect(denied).toBeGreaterThan(-1);
    expect(conf.slice(denied + 1, denied + 3)).toEqual(['allowed-peer-ip=10.99.0.1', 'allowed-peer-ip=10.99.0.20-10.99.0.29']);
    expect(conf).toContain('no-tcp-relay');
  });

  it('announces the public address behind 1:1 NAT as external-ip, only when given one', () => {
    expect(coturnConf(BASE)).not.toContain('external-ip');
    expect(lines({ ...BASE, externalIp: '203.0.113.7' })).toContain('external-ip=203.0.113.7/10.99.0.1');
  });

  it('turns TLS off without a certificate, and serves it on the same port with one', () => {
    expect(lines(BASE)).toEqual(expect.arrayContaining(['no-tls', 'no-dtls']));
    const withTls = lines({ ...BASE, tls: { certFile: '/etc/parley/cert.pem', keyFile: '/etc/parley/key.pem' } });
    expect(withTls).toEqual(
      expect.arrayContaining(['tls-listening-port=34780', 'cert=/etc/parley/cert.pem', 'pkey=/etc/parley/key.pem', 'no-tlsv1']),
    );
    expect(withTls).not.toContain('no-tls');
  });

  it('keeps coturn files in its own folder and logs to stdout, where the supervisor reads them', () => {
    expect(lines(BASE)).toEqual(
      expect.arrayContaining(['userdb=/data/coturn/turndb', 'pidfile=/data/coturn/turnserver.pid', 'log-file=stdout']),
    );
  });
});
