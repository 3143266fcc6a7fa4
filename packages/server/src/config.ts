/**
 * Server configuration: read from the environment once at start, validated,
 * frozen. A bad value stops the server with a message naming the variable.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { CLUSTER_ENV, CLUSTER_SECRET_VARIABLES, type ClusterConfig, clusterConfig } from './cluster-config.ts';
import { DEFAULTS } from './defaults.ts';
import { OPERATIONS_ENV, OPERATIONS_SECRET_VARIABLES, type OperationsConfig, operationsConfig } from './operations-config.ts';
import { isLoopback, NETWORK_ENV, NETWORK_SECRET_VARIABLES, type NetworkConfig, networkConfig } from './network-config.ts';

const bool = z.enum(['0', '1', 'true', 'false'], { error: '0, 1, true or false' }).transform((v) => v === '1' || v === 'true');
const int = (min: number, max: number) => {
  const expected = `an integer from ${min} to ${max}`;
  return z.coerce.number({ error: expected }).int(expected).min(min, expected).max(max, expected);
};
/** Values never repeated in an error message. */
const SECRET_VARIABLES = new Set(['PARLEY_API_KEY', 'PARLEY_TOKEN_SECRET', 'DATABASE_URL', 'JANUS_ADMIN_KEY', ...OPERATIONS_SECRET_VARIABLES, ...NETWORK_SECRET_VARIABLES, ...CLUSTER_SECRET_VARIABLES]);

const ENV_SCHEMA = z.object({
  PORT: int(0, 65_535).default(DEFAULTS.port),
  HOST: z.string().refine((h) => isIP(h) !== 0 || h === 'localhost', 'an IP address or localhost').default(DEFAULTS.host),
  DATA_DIR: z.string().min(1).default(DEFAULTS.dataDir),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').optional(),
  PARLEY_API_KEY: z.string().min(24, 'at least 24 characters').optional(),
  PARLEY_TOKEN_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  CALL_TOKEN_TTL_SECONDS: int(30, 7 * 24 * 3600).default(DEFAULTS.callTokenTtlSeconds),
  PARLEY_DEV_LOGIN: bool.optional(),
  JANUS_URLS: z
    .string()
    .transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^wss?:\/\//, 'ws:// or wss:// URLs, comma separated')).min(1))
    .optional(),
  JANUS_ADMIN_KEY: z.string().min(8).optional(),
  PARLEY_NODE_PARTICIPANTS: int(1, 100_000).optional(),
  PARLEY_TEST_NODE_HINTS: z
    .string()
    .regex(/^[^=,]+=\d+(,[^=,]+=\d+)*$/, 'uid=<index into JANUS_URLS>, comma separated (tests only)')
    .transform((s) => new Map(s.split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), Number(pair.slice(pair.indexOf('=') + 1))] as const)))
    .optional(),
  PARLEY_JANUS_EVENTS_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d{1,5}$/, 'host:port where JANUS_URLS nodes send their event handler stats')
    .transform((s) => ({ host: s.slice(0, s.lastIndexOf(':')), port: Number(s.slice(s.lastIndexOf(':') + 1)) }))
    .optional(),
  PARLEY_MEDIA_INTERFACE: z.string().min(1).optional(),
  PARLEY_JANUS_LIB_DIR: z.string().min(1).optional(),
  PARLEY_JANUS_LOG_LEVEL: int(0, 7).default(DEFAULTS.janusLogLevel),
  PARLEY_RECONNECT_GRACE_MS: int(0, 600_000).default(DEFAULTS.reconnectGraceMs),
  PARLEY_WS_HEARTBEAT_MS: int(100, 600_000).default(DEFAULTS.wsHeartbeat.intervalMs),
  PARLEY_WS_HEARTBEAT_MISSES: int(1, 100).default(DEFAULTS.wsHeartbeat.missedBeats),
  PARLEY_DRAIN_SECONDS: int(0, 3_600).default(DEFAULTS.drainSeconds),
  PARLEY_RING_TIMEOUT_MS: int(1_000, 600_000).default(DEFAULTS.ringTimeoutMs),
  PARLEY_QUALITY_RETENTION_DAYS: int(1, 3_650).default(DEFAULTS.quality.retentionDays),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'one of fatal, error, warn, info, debug, trace, silent' })
    .default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'json or pretty' }).optional(),
  NODE_ENV: z.string().optional(),
  ...OPERATIONS_ENV,
  ...NETWORK_ENV,
  ...CLUSTER_ENV,
}).transform((e, ctx) => ({ ...e, network: networkConfig(e, ctx), cluster: clusterConfig(e, ctx) }));

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly apiKey: string | undefined;
  readonly tokenSecret: string | undefined;
  readonly callTokenTtlSeconds: number;
  readonly devLogin: boolean;
  readonly janusUrls: readonly string[] | undefined;
  readonly janusAdminKey: string | undefined;
  /** Most participants of one session per Janus node (PARLEY_NODE_PARTICIPANTS); with several nodes a session that outgrows one spans another. */
  readonly nodeParticipants: number | undefined;
  /** Test-only (PARLEY_TEST_NODE_HINTS): the JANUS_URLS index of the node each named participant must be placed on. */
  readonly testNodeHints: ReadonlyMap<string, number> | undefined;
  /**
   * Where `JANUS_URLS` nodes' WebSocket event handlers send Janus's view of each connection
   * (PARLEY_JANUS_EVENTS_ADDRESS), at `/janus-events/<JANUS_ADMIN_KEY>`; undefined: not received.
   */
  readonly janusEvents: { readonly host: string; readonly port: number; readonly token: string } | undefined;
  readonly mediaInterface: string | undefined;
  /** Janus's modules (PARLEY_JANUS_LIB_DIR); undefined: found on the system (media/janus-lib-dir.ts). */
  readonly janusLibDir: string | undefined;
  /** The embedded Janus's debug_level (PARLEY_JANUS_LOG_LEVEL): 3 warnings; 4 adds the info lines that explain an ICE or DTLS failure. */
  readonly janusLogLevel: number;
  readonly reconnectGraceMs: number;
  /** Silent signaling sockets are pinged every `intervalMs` and cut after `missedBeats` silent beats (ws/socket-heartbeat.ts). */
  readonly wsHeartbeat: { readonly intervalMs: number; readonly missedBeats: number };
  /** After SIGTERM, how long calls in progress may go on before the server stops (s). */
  readonly drainSeconds: number;
  /** How long a ringing call rings before it is `unanswered`. */
  readonly ringTimeoutMs: number;
  /** How long call-quality samples are kept (days). */
  readonly qualityRetentionDays: number;
  readonly logLevel: string;
  /** `pretty` lines through pino-pretty (default on a terminal), else JSON. */
  readonly logFormat: 'json' | 'pretty';
  readonly production: boolean;
  /** Metrics, webhooks, rate limits (operations-config.ts). */
  readonly operations: OperationsConfig;
  /** TLS, CORS, public address, TURN (network-config.ts). */
  readonly network: NetworkConfig;
  /** Several processes sharing sessions over Redis (cluster-config.ts); undefined: one process. */
  readonly cluster: ClusterConfig | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`PORT=`) means unset, not 0 or "".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = ENV_SCHEMA.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      const got = SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(given[name])})`;
      return `  ${name}: expected ${i.message}${got}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.PARLEY_JANUS_EVENTS_ADDRESS && !(e.JANUS_URLS && e.JANUS_ADMIN_KEY)) {
    throw new ConfigError('Invalid configuration:\n  PARLEY_JANUS_EVENTS_ADDRESS: expected JANUS_URLS and JANUS_ADMIN_KEY as well (the key is the path token the nodes send to)');
  }
  if (e.PARLEY_TEST_NODE_HINTS && e.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration:\n  PARLEY_TEST_NODE_HINTS: only for tests (it places named users on given Janus nodes), not with NODE_ENV=production');
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    apiKey: e.PARLEY_API_KEY,
    tokenSecret: e.PARLEY_TOKEN_SECRET,
    callTokenTtlSeconds: e.CALL_TOKEN_TTL_SECONDS,
    // Development login hands out auth tokens to anyone: only on loopback unless asked for.
    devLogin: e.PARLEY_DEV_LOGIN ?? isLoopback(e.HOST),
    janusUrls: e.JANUS_URLS,
    janusAdminKey: e.JANUS_ADMIN_KEY,
    nodeParticipants: e.PARLEY_NODE_PARTICIPANTS,
    testNodeHints: e.PARLEY_TEST_NODE_HINTS,
    janusEvents: e.PARLEY_JANUS_EVENTS_ADDRESS && e.JANUS_ADMIN_KEY ? Object.freeze({ ...e.PARLEY_JANUS_EVENTS_ADDRESS, token: e.JANUS_ADMIN_KEY }) : undefined,
    mediaInterface: e.PARLEY_MEDIA_INTERFACE,
    janusLibDir: e.PARLEY_JANUS_LIB_DIR,
    janusLogLevel: e.PARLEY_JANUS_LOG_LEVEL,
    reconnectGraceMs: e.PARLEY_RECONNECT_GRACE_MS,
    wsHeartbeat: Object.freeze({ intervalMs: e.PARLEY_WS_HEARTBEAT_MS, missedBeats: e.PARLEY_WS_HEARTBEAT_MISSES }),
    drainSeconds: e.PARLEY_DRAIN_SECONDS,
    ringTimeoutMs: e.PARLEY_RING_TIMEOUT_MS,
    qualityRetentionDays: e.PARLEY_QUALITY_RETENTION_DAYS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
    production: e.NODE_ENV === 'production',
    operations: operationsConfig(e),
    network: e.network,
    cluster: e.cluster,
  });
}
