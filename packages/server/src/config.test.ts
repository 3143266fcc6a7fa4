/** Configuration from the environment: defaults, and a clear stop on a bad value. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { DEFAULTS } from './defaults.ts';

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected loadConfig to refuse ${JSON.stringify(env)}`);
}

describe('loading the configuration from an empty environment', () => {
  const config = loadConfig({});

  it('takes the documented defaults', () => {
    expect(config).toMatchObject({
      port: DEFAULTS.port,
      host: DEFAULTS.host,
      dataDir: resolve(DEFAULTS.dataDir),
      databaseUrl: undefined,
      apiKey: undefined,
      tokenSecret: undefined,
      callTokenTtlSeconds: DEFAULTS.callTokenTtlSeconds,
      janusUrls: undefined,
      logLevel: 'info',
      production: false,
    });
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
  });

  it('turns development login on, because the default host is loopback', () => {
    expect(config.devLogin).toBe(true);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
  });
});

describe('loading good values', () => {
  it('reads each one', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATA_DIR: '/tmp/parley-data',
      DATABASE_URL: 'postgres://u:p@db.example:5432/parley',
      PARLEY_API_KEY: 'k'.repeat(24),
      PARLEY_TOKEN_SECRET: 's'.repeat(32),
      CALL_TOKEN_TTL_SECONDS: '600',
      JANUS_URLS: 'ws://a:8188, ws://b:8188',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'production',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/tmp/parley-data',
      databaseUrl: 'postgres://u:p@db.example:5432/parley',
      apiKey: 'k'.repeat(24),
      tokenSecret: 's'.repeat(32),
      callTokenTtlSeconds: 600,
      janusUrls: ['ws://a:8188', 'ws://b:8188'],
      logLevel: 'debug',
      production: true,
    });
  });

  it("takes where JANUS_URLS nodes send Janus's stats, with the admin key as the path's token", () => {
    const nodes = { JANUS_URLS: 'ws://a:8188', JANUS_ADMIN_KEY: 'node-admin-key' };
    expect(loadConfig(nodes).janusEvents).toBeUndefined();
    expect(loadConfig({ ...nodes, PARLEY_JANUS_EVENTS_ADDRESS: '10.0.0.5:8190' }).janusEvents).toEqual({ host: '10.0.0.5', port: 8190, token: 'node-admin-key' });
    expect(() => loadConfig({ JANUS_URLS: 'ws://a:8188', PARLEY_JANUS_EVENTS_ADDRESS: '10.0.0.5:8190' })).toThrow(/PARLEY_JANUS_EVENTS_ADDRESS: expected JANUS_URLS and JANUS_ADMIN_KEY/);
  });

  it('takes the per-node participant cap, and the test-only node hints — never in production', () => {
    const nodes = { JANUS_URLS: 'ws://a:8188,ws://b:8188', PARLEY_NODE_PARTICIPANTS: '50', PARLEY_TEST_NODE_HINTS: 'ann=0,bob=1' };
    const config = loadConfig(nodes);
    expect(config.nodeParticipants).toBe(50);
    expect(config.testNodeHints).toEqual(new Map([['ann', 0], ['bob', 1]]));
    expect(() => loadConfig({ ...nodes, PARLEY_TEST_NODE_HINTS: 'ann:0' })).toThrow(/PARLEY_TEST_NODE_HINTS: expected uid=<index into JANUS_URLS>/);
    expect(() => loadConfig({ ...nodes, NODE_ENV: 'production' })).toThrow(/PARLEY_TEST_NODE_HINTS: only for tests/);
  });

  it('accepts postgresql:// as well as postgres://, and PORT 0 (any free port)', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/x' }).databaseUrl).toBe('postgresql://localhost/x');
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
  });

  it('accepts IPv6 and localhost as HOST', () => {
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(loadConfig({ HOST: 'localhost' }).host).toBe('localhost');
  });
});

describe('an empty variable', () => {
  it('counts as unset, so the default applies', () => {
    expect(loadConfig({ PORT: '', CALL_TOKEN_TTL_SECONDS: ' ', DATABASE_URL: '' })).toMatchObject({
      port: DEFAULTS.port,
      callTokenTtlSeconds: DEFAULTS.callTokenTtlSeconds,
      databaseUrl: undefined,
    });
  });
});

describe('development login', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.0.0.2', true],
    ['::1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['192.168.1.10', false],
    ['::', false],
  ])('defaults for HOST %s to %s', (host, on) => {
    expect(loadConfig({ HOST: host }).devLogin).toBe(on);
  });

  it('is off with PARLEY_DEV_LOGIN=0 even on loopback, and on with =1 anywhere', () => {
    expect(loadConfig({ HOST: '127.0.0.1', PARLEY_DEV_LOGIN: '0' }).devLogin).toBe(false);
    expect(loadConfig({ HOST: '127.0.0.1', PARLEY_DEV_LOGIN: 'false' }).devLogin).toBe(false);
    expect(loadConfig({ HOST: '0.0.0.0', PARLEY_DEV_LOGIN: '1' }).devLogin).toBe(true);
    expect(loadConfig({ HOST: '0.0.0.0', PARLEY_DEV_LOGIN: 'true' }).devLogin).toBe(true);
  });
});

describe('a bad value stops the server with a ConfigError naming the variable and what it expected', () => {
  it.each([
    ['PORT', 'eighty', 'PORT: expected an integer from 0 to 65535 (got "eighty")'],
    ['PORT', '70000', 'PORT: expected an integer from 0 to 65535 (got "70000")'],
    ['PORT', '-1', 'PORT: expected an integer from 0 to 65535'],
    ['PORT', '80.5', 'PORT: expected an integer from 0 to 65535'],
    ['HOST', 'my host', 'HOST: expected an IP address or localhost (got "my host")'],
    ['HOST', 'example.com', 'HOST: expected an IP address or localhost'],
    ['DATABASE_URL', 'mysql://localhost/x', 'DATABASE_URL: expected a postgres:// URL'],
    ['DATABASE_URL', 'localhost:5432', 'DATABASE_URL: expected a postgres:// URL'],
    ['CALL_TOKEN_TTL_SECONDS', 'soon', 'CALL_TOKEN_TTL_SECONDS: expected an integer from 30 to 604800 (got "soon")'],
    ['CALL_TOKEN_TTL_SECONDS', '5', 'CALL_TOKEN_TTL_SECONDS: expected an integer from 30 to 604800'],
    ['CALL_TOKEN_TTL_SECONDS', String(8 * 24 * 3600), 'CALL_TOKEN_TTL_SECONDS: expected an integer from 30 to 604800'],
    ['PARLEY_API_KEY', 'short', 'PARLEY_API_KEY: expected at least 24 characters'],
    ['PARLEY_TOKEN_SECRET', 'short', 'PARLEY_TOKEN_SECRET: expected at least 32 characters'],
    ['PARLEY_DEV_LOGIN', 'yes', 'PARLEY_DEV_LOGIN: expected 0, 1, true or false (got "yes")'],
    ['JANUS_URLS', 'http://janus:8088', 'JANUS_URLS: expected ws:// or wss:// URLs'],
    ['PARLEY_JANUS_EVENTS_ADDRESS', 'ws://10.0.0.5:8190', 'PARLEY_JANUS_EVENTS_ADDRESS: expected host:port'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent'],
  ])('%s=%s', (name, value, expected) => {
    const error = refusal({ [name]: value });
    expect(error.message).toContain(name);
    expect(error.message).toContain(expected);
    expect(error.name).toBe('ConfigError');
  });

  it('names every bad variable at once', () => {
    const error = refusal({ PORT: 'x', HOST: 'nope nope', CALL_TOKEN_TTL_SECONDS: '1' });
    for (const name of ['PORT', 'HOST', 'CALL_TOKEN_TTL_SECONDS']) expect(error.message).toContain(`${name}:`);
  });

  it('does not echo a secret it refused', () => {
    const error = refusal({ PARLEY_API_KEY: 'tooShortSecret', DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(error.message).not.toContain('tooShortSecret');
    expect(error.message).not.toContain('hunter2');
  });
});
