/**
 * A real Parley server for integration tests: port 0 on 127.0.0.1, a temp
 * DATA_DIR (removed on close), a fresh test store, a silent logger, known
 * secrets. REST only (no Janus) unless `media: true` is asked for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { type RunningServer, startServer } from '../server.ts';
import type { Store } from '../store/index.ts';
import { createTestStore } from './test-store.ts';
import { createLogger } from '../logger.ts';

export const TEST_API_KEY = 'pk_test_0123456789abcdefghijklmnop';
export const TEST_TOKEN_SECRET = 'test-token-secret-0123456789abcdefghijklmnopqrstuvwxyz';

export interface TestServer extends RunningServer {
  readonly apiKey: string;
  readonly tokenSecret: Uint8Array;
  readonly dataDir: string;
}

export interface TestServerOptions {
  /** Another store factory (e.g. createPostgresTestStore). */
  store?: () => Promise<Store>;
  /** Start the media plane (Janus) and signaling too. Default false. */
  media?: boolean;
}

/** Environment overrides go through loadConfig as they would in production. */
export async function startTestServer(
  overrides: Record<string, string | undefined> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    PARLEY_API_KEY: TEST_API_KEY,
    PARLEY_TOKEN_SECRET: TEST_TOKEN_SECRET,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  const store = await (options.store ?? createTestStore)();
  let server: RunningServer;
  try {
    server = await startServer(config, { store, log: createLogger(config.logLevel), media: options.media ?? false });
  } catch (error) {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    services: server.services,
    media: server.media,
    registry: server.registry,
    events: server.events,
    cluster: server.cluster,
    turn: server.turn,
    metricsUrl: server.metricsUrl,
    apiKey: config.apiKey ?? TEST_API_KEY,
    tokenSecret: server.services.secrets.tokenSecret,
    dataDir,
    drain: (opts) => server.drain(opts),
    close() {
      closing ??= (async () => {
        try {
          await server.close();
        } finally {
          await store.close();
          rmSync(dataDir, { recursive: true, force: true });
        }
      })();
      return closing;
    },
  };
}

type Loose = any;

export interface ApiResponse<T = Loose> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: T;
  /** The raw text of the body. */
  text: string;
}

export interface RequestOptions {
  /** Sent as JSON unless it is a string (sent as it is) . */
  body?: unknown;
  /** 'apiKey' (default): the server's API key as Bearer; a string: that Bearer token; null: no Authorization. */
  auth?: 'apiKey' | string | null;
  headers?: Record<string, string>;
}

/** Plain `fetch` over loopback against a test server. */
export function api(server: Pick<TestServer, 'url' | 'apiKey'>) {
  async function request<T = Loose>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? 'apiKey' : options.auth;
    if (auth === 'apiKey') headers.authorization = `Bearer ${server.apiKey}`;
    else if (auth !== null) headers.authorization = `Bearer ${auth}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, options.headers);
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }
  return {
    request,
    get: <T = Loose>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
    post: <T = Loose>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
    patch: <T = Loose>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
    delete: <T = Loose>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),

    /** Creates a user with the API key; fails the test when it cannot. */
    async createUser(uid: string, name = uid, extra: Record<string, unknown> = {}) {
      const r = await request('POST', '/v1/users', { body: { uid, name, ...extra } });
      if (r.status !== 201) throw new Error(`creating user ${uid}: ${r.status} ${r.text}`);
      return r.body as { uid: string; name: string; avatar: string | null; metadata: Record<string, unknown> };
    },
    /** Issues an auth token for a user with the API key. */
    async createAuthToken(uid: string) {
      const r = await request('POST', `/v1/users/${encodeURIComponent(uid)}/auth-tokens`);
      if (r.status !== 201) throw new Error(`creating an auth token for ${uid}: ${r.status} ${r.text}`);
      return r.body as { id: string; authToken: string; uid: string; createdAt: string };
    },
    /** True when /healthz answers 200: the server still serves. */
    async healthy() {
      const r = await request('GET', '/healthz', { auth: null });
      return r.status === 200 && (r.body as { status?: string } | undefined)?.status === 'ok';
    },
  };
}

export type Api = ReturnType<typeof api>;

/** The error code of a response, for expect(). */
export function errorOf(r: ApiResponse): { status: number; code: string | undefined } {
  return { status: r.status, code: (r.body as { error?: { code?: string } } | undefined)?.error?.code };
}
