/** REDIS_URL turns clustering on, and a cluster needs PostgreSQL. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const POSTGRES = 'postgres://parley@db.example:5432/parley';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`expected loadConfig to refuse ${JSON.stringify(env)}`);
}

describe('without REDIS_URL', () => {
  it('is one process, with PGlite or PostgreSQL as before', () => {
    expect(loadConfig({}).cluster).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: POSTGRES }).cluster).toBeUndefined();
  });
});

describe('with REDIS_URL and DATABASE_URL', () => {
  it('turns clustering on with that Redis', () => {
    const config = loadConfig({ REDIS_URL: 'redis://:pw@cache.example:6379/2', DATABASE_URL: POSTGRES });
    expect(config.cluster).toEqual({ redisUrl: 'redis://:pw@cache.example:6379/2' });
    expect(config.databaseUrl).toBe(POSTGRES);
  });

  it('takes rediss:// (TLS) too', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://cache.example:6380', DATABASE_URL: POSTGRES }).cluster?.redisUrl).toBe('rediss://cache.example:6380');
  });
});

describe('with REDIS_URL but no DATABASE_URL', () => {
  it('refuses to start on PGlite, naming DATABASE_URL and why', () => {
    const message = refusal({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(message).toContain('DATABASE_URL: expected a postgres:// URL, because REDIS_URL is set');
    expect(message).toContain('PGlite');
  });
});

describe('a malformed REDIS_URL', () => {
  it('is refused without repeating it (it may carry a password)', () => {
    const message = refusal({ REDIS_URL: 'http://:secret@cache', DATABASE_URL: POSTGRES });
    expect(message).toContain('REDIS_URL: expected a redis:// or rediss:// URL');
    expect(message).not.toContain('secret');
  });
});
