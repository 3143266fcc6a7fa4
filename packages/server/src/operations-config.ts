/**
 * The part of the configuration that is about running Parley (issue 16):
 * where metrics are scraped, fixed webhook endpoints, and rate limits.
 * config.ts merges these variables into its schema and keeps the result as
 * `Config.operations`. Every limit's default is in defaults.ts.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULTS } from './defaults.ts';

const count = (max: number) => {
  const expected = `an integer from 1 to ${max}`;
  return z.coerce.number({ error: expected }).int(expected).min(1, expected).max(max, expected);
};
const urls = z
  .string()
  .transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^https?:\/\/\S+$/, 'http:// or https:// URLs, comma separated')).min(1));

export const OPERATIONS_ENV = {
  PARLEY_METRICS_PORT: z.coerce.number({ error: 'a port from 0 to 65535' }).int().min(0).max(65_535).optional(),
  PARLEY_METRICS_HOST: z.string().refine((h) => isIP(h) !== 0 || h === 'localhost', 'an IP address or localhost').default(DEFAULTS.metricsHost),
  PARLEY_METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  PARLEY_WEBHOOK_URLS: urls.optional(),
  PARLEY_WEBHOOK_SECRET: z.string().min(24, 'at least 24 characters').optional(),
  PARLEY_RATE_AUTH_TOKENS_PER_MINUTE: count(1_000_000).default(DEFAULTS.rateLimits.authTokensPerMinute),
  PARLEY_RATE_CALL_TOKENS_PER_MINUTE: count(1_000_000).default(DEFAULTS.rateLimits.callTokensPerMinute),
  PARLEY_RATE_TOKENS_PER_IP_PER_MINUTE: count(1_000_000).default(DEFAULTS.rateLimits.tokensPerIpPerMinute),
  PARLEY_RATE_JOINS_PER_MINUTE: count(1_000_000).default(DEFAULTS.rateLimits.joinsPerMinute),
  PARLEY_RATE_CALLS_PER_MINUTE: count(1_000_000).default(DEFAULTS.rateLimits.callsPerMinute),
  PARLEY_RATE_WS_FRAMES_PER_SECOND: count(100_000).default(DEFAULTS.rateLimits.wsFramesPerSecond),
};

/** Values never repeated in a configuration error. */
export const OPERATIONS_SECRET_VARIABLES = ['PARLEY_METRICS_TOKEN', 'PARLEY_WEBHOOK_SECRET'] as const;

export interface RateLimits {
  /** Auth tokens made per API key (and per IP), a minute. */
  readonly authTokensPerMinute: number;
  /** Call tokens made per user's auth token, a minute. */
  readonly callTokensPerMinute: number;
  /** Each token route, per client IP, a minute. */
  readonly tokensPerIpPerMinute: number;
  /** WebSocket joins per user, a minute. */
  readonly joinsPerMinute: number;
  /** Ringing initiations (`call.initiate`) per user, a minute. */
  readonly callsPerMinute: number;
  /** Signaling frames per connection, a second (bursts up to twice that). */
  readonly wsFramesPerSecond: number;
}

export interface OperationsConfig {
  /** A port of its own for /metrics (no credentials), or undefined: none. */
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  /** Bearer token for /metrics on the main port, or undefined: not served there. */
  readonly metricsToken: string | undefined;
  /** Fixed webhook endpoints, receiving every event. */
  readonly webhookUrls: readonly string[];
  /** Their signing secret (else one is generated into DATA_DIR). */
  readonly webhookSecret: string | undefined;
  readonly rateLimits: RateLimits;
}

type OperationsEnv = z.output<z.ZodObject<typeof OPERATIONS_ENV>>;

export function operationsConfig(e: OperationsEnv): OperationsConfig {
  return {
    metricsPort: e.PARLEY_METRICS_PORT,
    metricsHost: e.PARLEY_METRICS_HOST,
    metricsToken: e.PARLEY_METRICS_TOKEN,
    webhookUrls: e.PARLEY_WEBHOOK_URLS ?? [],
    webhookSecret: e.PARLEY_WEBHOOK_SECRET,
    rateLimits: Object.freeze({
      authTokensPerMinute: e.PARLEY_RATE_AUTH_TOKENS_PER_MINUTE,
      callTokensPerMinute: e.PARLEY_RATE_CALL_TOKENS_PER_MINUTE,
      tokensPerIpPerMinute: e.PARLEY_RATE_TOKENS_PER_IP_PER_MINUTE,
      joinsPerMinute: e.PARLEY_RATE_JOINS_PER_MINUTE,
      callsPerMinute: e.PARLEY_RATE_CALLS_PER_MINUTE,
      wsFramesPerSecond: e.PARLEY_RATE_WS_FRAMES_PER_SECOND,
    }),
  };
}
