/**
 * One place that talks HTTP to the server: builds the URL from a route of
 * routes.ts, sends the right credential, bounds each attempt with a timeout,
 * retries what is safe to retry (see RetryPolicy), and turns every failure
 * into a ParleyError. JSON answers are checked against the protocol's schemas.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ParleyError } from '@parley/protocol';
import type { z } from 'zod';
import { fillPath, type PathParams, type Route } from '../routes.ts';
import { errorFromText, networkError, timeoutError } from './errors.ts';
import { parseRetryAfter, type RetryPolicy } from './retry-policy.ts';

export interface TransportOptions {
  /** The server's base URL; a path prefix (a reverse proxy's mount point) is kept. */
  readonly baseUrl: URL;
  readonly apiKey: string;
  readonly timeoutMs: number;
  /** null: never retry. */
  readonly retry: RetryPolicy | null;
  readonly fetch: typeof fetch;
}

export interface RouteRequest<P extends string, Q extends string = string> {
  readonly params: PathParams<P>;
  /** Only the names the route declares; undefined values are left out. */
  readonly query?: Partial<Record<Q, string | number | undefined>>;
  readonly body?: unknown;
  /** The user's auth token, for routes whose credential is `authToken`. */
  readonly authToken?: string;
  readonly headers?: Record<string, string>;
  /** Cancels the request (and any pause before a retry); it then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Statuses that say "not now" rather than "no": worth another attempt on a route safe to repeat. */
const RETRY_STATUSES = new Set([429, 503]);

interface Answer {
  readonly response: Response;
  /** The body, read within the timeout; undefined when the caller reads it as a stream. */
  readonly text?: string;
}

export class HttpTransport {
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /** A URL on the server (for links such as a recording's playback URL). */
  resolve(pathAndQuery: string): string {
    return this.#options.baseUrl.href.replace(/\/+$/, '') + pathAndQuery;
  }

  /** Sends the request and returns its JSON answer, checked against `schema`. */
  async json<P extends string, Q extends string, S extends z.ZodType>(route: Route<P, Q>, init: RouteRequest<P, Q>, schema: S): Promise<z.output<S>> {
    const { text } = await this.#send(route, init, true);
    const what = describe(route);
    let value: unknown;
    try {
      value = JSON.parse(text ?? '');
    } catch (error) {
      throw new ParleyError('INTERNAL_ERROR', `${what}: the server's answer is not JSON`, { cause: error });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ParleyError('INTERNAL_ERROR', `${what}: unexpected answer (${issue?.path.join('.') || 'body'}: ${issue?.message})`, {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  /** Sends a request whose answer has no body (204). */
  async empty<P extends string, Q extends string>(route: Route<P, Q>, init: RouteRequest<P, Q>): Promise<void> {
    await this.#send(route, init, true);
  }

  /** Sends the request and returns the successful response with its body unread, for streaming. */
  async stream<P extends string, Q extends string>(route: Route<P, Q>, init: RouteRequest<P, Q>): Promise<Response> {
    return (await this.#send(route, init, false)).response;
  }

  async #send<P extends string, Q extends string>(route: Route<P, Q>, init: RouteRequest<P, Q>, readBody: boolean): Promise<Answer> {
    const url = this.resolve(fillPath(route.path, init.params) + queryString(init.query));
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${this.#credential(route, init)}`, ...init.headers };
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    for (let attempts = 1; ; attempts++) {
      let failure: ParleyError;
      let status: number | undefined;
      let retryAfterMs: number | undefined;
      try {
        const answer = await this.#attempt(route, url, { method: route.method, headers, body }, init.signal, readBody);
        if (answer.response.ok) return answer;
        status = answer.response.status;
        retryAfterMs = parseRetryAfter(answer.response.headers.get('retry-after'));
        failure = asSent(route, errorFromText(status, answer.text ?? '', describe(route)));
      } catch (error) {
        if (!(error instanceof ParleyError)) throw error; // the caller's abort
        failure = error;
      }
      const retriable = route.idempotent && (status === undefined ? failure.code === 'NETWORK_ERROR' : RETRY_STATUSES.has(status));
      const delayMs = retriable ? (this.#options.retry?.nextRetryDelayMs({ attempts, status, retryAfterMs }) ?? null) : null;
      if (delayMs === null) throw failure;
      await sleep(delayMs, undefined, init.signal ? { signal: init.signal } : {}).catch(() => {
        throw init.signal?.reason;
      });
    }
  }

  /** One attempt within the timeout; rejects with NETWORK_ERROR, REQUEST_TIMEOUT, or the caller's abort reason. */
  async #attempt(
    route: Route,
    url: string,
    request: { method: string; headers: Record<string, string>; body: string | undefined },
    callerSignal: AbortSignal | undefined,
    readBody: boolean,
  ): Promise<Answer> {
    const { timeoutMs } = this.#options;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout.signal]) : timeout.signal;
    try {
      const response = await this.#options.fetch(url, { ...request, signal });
      // Error answers are small and always read; a stream's body is the caller's to read.
      const text = readBody || !response.ok ? await response.text() : undefined;
      return { response, ...(text === undefined ? {} : { text }) };
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (timeout.signal.aborted) throw timeoutError(timeoutMs, describe(route));
      throw networkError(error, describe(route));
    } finally {
      clearTimeout(timer);
    }
  }

  #credential(route: Route, init: { authToken?: string }): string {
    if (route.credential === 'apiKey') return this.#options.apiKey;
    if (typeof init.authToken !== 'string' || init.authToken.length === 0) {
      throw new ParleyError('VALIDATION_FAILED', `${describe(route)} needs the user's auth token as a non-empty string`);
    }
    return init.authToken;
  }
}

/**
 * Routes that take the API key or a user's auth token (calls, recordings) try
 * a credential that is not the key as a token, and so answer a wrong key with
 * AUTH_TOKEN_INVALID. This client sent the API key: the key is what is wrong.
 */
function asSent(route: Route, error: ParleyError): ParleyError {
  if (route.credential !== 'apiKey' || error.code !== 'AUTH_TOKEN_INVALID') return error;
  return new ParleyError('API_KEY_INVALID', undefined, { cause: error });
}

function describe(route: Route): string {
  return `${route.method} ${route.path}`;
}

function queryString(query: Partial<Record<string, string | number | undefined>> | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
