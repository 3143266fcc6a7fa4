import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { DEFAULTS } from './defaults.ts';

describe('operations configuration', () => {
  it('has metrics off, no fixed webhooks, and the default limits when nothing is set', () => {
    const { operations } = loadConfig({});
    expect(operations).toMatchObject({ metricsPort: undefined, metricsHost: '127.0.0.1', metricsToken: undefined, webhookUrls: [] });
    expect(operations.rateLimits).toEqual(DEFAULTS.rateLimits);
  });

  it('reads the metrics port, webhook URLs and every limit', () => {
    const { operations } = loadConfig({
      PARLEY_METRICS_PORT: '9464',
      PARLEY_WEBHOOK_URLS: 'https://a.example/hooks, http://127.0.0.1:9/x',
      PARLEY_WEBHOOK_SECRET: 'whsec_0123456789abcdefghijklmn',
      PARLEY_RATE_CALL_TOKENS_PER_MINUTE: '5',
      PARLEY_RATE_WS_FRAMES_PER_SECOND: '200',
    });
    expect(operations.metricsPort).toBe(9464);
    expect(operations.webhookUrls).toEqual(['https://a.example/hooks', 'http://127.0.0.1:9/x']);
    expect(operations.rateLimits).toMatchObject({ callTokensPerMinute: 5, wsFramesPerSecond: 200, joinsPerMinute: DEFAULTS.rateLimits.joinsPerMinute });
  });

  it('refuses a bad value naming its variable, and never repeats a secret', () => {
    expect(() => loadConfig({ PARLEY_RATE_JOINS_PER_MINUTE: '0' })).toThrow(/PARLEY_RATE_JOINS_PER_MINUTE: expected an integer from 1/);
    expect(() => loadConfig({ PARLEY_WEBHOOK_URLS: 'ftp://x' })).toThrow(/PARLEY_WEBHOOK_URLS/);
    const error = (() => {
      try {
        loadConfig({ PARLEY_METRICS_TOKEN: 'short-secret' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/PARLEY_METRICS_TOKEN/);
    expect(error?.message).not.toMatch(/short-secret/);
  });
});
