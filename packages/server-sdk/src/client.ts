/**
 * The server SDK's entry: one client per Parley server, holding the API key.
 * Its parts follow the REST API's resources; each call returns the protocol's
 * types (checked against its schemas) or rejects with a ParleyError.
 */
import { ParleyError } from '@parley/protocol';
import { DEFAULTS } from './defaults.ts';
import { BackoffRetryPolicy, type RetryOptions, type RetryPolicy } from './http/retry-policy.ts';
import { HttpTransport } from './http/transport.ts';
import { AuthTokens } from './resources/auth-tokens.ts';
import { CallLogs } from './resources/call-logs.ts';
import { CallTokens } from './resources/call-tokens.ts';
import { Recordings } from './resources/recordings.ts';
import { Users } from './resources/users.ts';

export interface ParleyServerClientOptions {
  /** The server, e.g. `https://calls.example.com` (a path prefix is kept). */
  url: string | URL;
  /** The server's API key (`PARLEY_API_KEY`). Keep it on your backend. */
  apiKey: string;
  /** How long one attempt may take, in ms (default 30 s). */
  timeoutMs?: number;
  /**
   * Retries of 429, 503 and failed connections, for requests safe to repeat:
   * back-off options (default 3 attempts from 250 ms, doubling, with jitter,
   * honouring Retry-After up to 10 s), a policy of your own, or false for none.
   */
  retry?: Partial<RetryOptions> | RetryPolicy | false;
  /** Another fetch (a proxy agent, a test double). */
  fetch?: typeof fetch;
}

export class ParleyServerClient {
  readonly users: Users;
  readonly authTokens: AuthTokens;
  readonly callTokens: CallTokens;
  /** The call log. */
  readonly calls: CallLogs;
  readonly recordings: Recordings;

  constructor(options: ParleyServerClientOptions) {
    if (!options || typeof options !== 'object') throw new ParleyError('VALIDATION_FAILED', 'ParleyServerClient expects { url, apiKey }');
    const http = new HttpTransport({
      baseUrl: serverUrl(options.url),
      apiKey: apiKey(options.apiKey),
      timeoutMs: timeout(options.timeoutMs ?? DEFAULTS.timeoutMs),
      retry: retryPolicy(options.retry),
      fetch: options.fetch ?? globalThis.fetch,
    });
    this.users = new Users(http);
    this.authTokens = new AuthTokens(http);
    this.callTokens = new CallTokens(http);
    this.calls = new CallLogs(http);
    this.recordings = new Recordings(http);
  }
}

function serverUrl(url: unknown): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(String(url));
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ParleyError('VALIDATION_FAILED', `The server URL must be an http(s) URL, not ${JSON.stringify(String(url))}`);
  }
  return parsed;
}

function apiKey(key: unknown): string {
  if (typeof key !== 'string' || key.trim() === '') throw new ParleyError('VALIDATION_FAILED', 'The API key must be a non-empty string');
  return key;
}

function timeout(ms: number): number {
  if (!(ms > 0 && ms <= 2_147_483_647)) throw new ParleyError('VALIDATION_FAILED', 'timeoutMs must be a positive number of milliseconds');
  return ms;
}

function retryPolicy(retry: ParleyServerClientOptions['retry']): RetryPolicy | null {
  if (retry === false) return null;
  if (retry && typeof (retry as RetryPolicy).nextRetryDelayMs === 'function') return retry as RetryPolicy;
  return new BackoffRetryPolicy({ ...DEFAULTS.retry, ...(retry as Partial<RetryOptions> | undefined) });
}
