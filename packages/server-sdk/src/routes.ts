/**
 * Every REST route the client calls, and the only way it calls one: the
 * transport takes a route from this table, never a path. A test checks each
 * against the server's `/v1/openapi.json` (method, path, credentials), so the
 * two cannot drift.
 */
import { ParleyError } from '@parley/protocol';

/** Which credential the client sends: the server API key, or a user's auth token given to the call. */
export type Credential = 'apiKey' | 'authToken';

export interface Route<P extends string = string, Q extends string = string> {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** With `:name` parameters, as the server declares it. */
  readonly path: P;
  /** The query parameters the client may send. */
  readonly query: readonly Q[];
  readonly credential: Credential;
  /**
   * Safe to send again after a 429, a 503 or a failed connection: the same
   * request twice leaves the server as once. GETs; DELETEs (the retry of a
   * delete whose answer was lost answers NOT_FOUND); PATCH, which sets the
   * given fields to the given values; and call tokens, which the server does
   * not store. Creating a user or an auth token is not retried: a lost answer
   * would turn into USER_EXISTS, or a second live token nobody knows of.
   */
  readonly idempotent: boolean;
}

const route = <P extends string, const Q extends string = never>(r: Route<P, Q>): Route<P, Q> => r;

export const ROUTES = {
  createUser: route({ method: 'POST', path: '/v1/users', query: [], credential: 'apiKey', idempotent: false }),
  listUsers: route({ method: 'GET', path: '/v1/users', query: ['limit', 'cursor'], credential: 'apiKey', idempotent: true }),
  getUser: route({ method: 'GET', path: '/v1/users/:uid', query: [], credential: 'apiKey', idempotent: true }),
  updateUser: route({ method: 'PATCH', path: '/v1/users/:uid', query: [], credential: 'apiKey', idempotent: true }),
  deleteUser: route({ method: 'DELETE', path: '/v1/users/:uid', query: [], credential: 'apiKey', idempotent: true }),
  createAuthToken: route({ method: 'POST', path: '/v1/users/:uid/auth-tokens', query: [], credential: 'apiKey', idempotent: false }),
  revokeAuthToken: route({ method: 'DELETE', path: '/v1/users/:uid/auth-tokens/:id', query: [], credential: 'apiKey', idempotent: true }),
  createCallToken: route({ method: 'POST', path: '/v1/calls/tokens', query: [], credential: 'authToken', idempotent: true }),
  listCalls: route({ method: 'GET', path: '/v1/calls', query: ['limit', 'cursor', 'uid', 'status'], credential: 'apiKey', idempotent: true }),
  getCall: route({ method: 'GET', path: '/v1/calls/:sessionId', query: [], credential: 'apiKey', idempotent: true }),
  getCallQuality: route({ method: 'GET', path: '/v1/calls/:sessionId/quality', query: [], credential: 'apiKey', idempotent: true }),
  listRecordings: route({ method: 'GET', path: '/v1/recordings', query: ['sessionId', 'limit', 'cursor'], credential: 'apiKey', idempotent: true }),
  getRecording: route({ method: 'GET', path: '/v1/recordings/:id', query: [], credential: 'apiKey', idempotent: true }),
  deleteRecording: route({ method: 'DELETE', path: '/v1/recordings/:id', query: [], credential: 'apiKey', idempotent: true }),
  downloadRecording: route({ method: 'GET', path: '/v1/recordings/:id/file', query: [], credential: 'apiKey', idempotent: true }),
} as const;

/** The names of a path's `:parameters`: `'/v1/users/:uid/auth-tokens/:id'` → `'uid' | 'id'`. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

export type PathParams<P extends string> = [PathParamNames<P>] extends [never] ? undefined : Record<PathParamNames<P>, string>;

/**
 * The path with each `:parameter` filled in, percent-encoded. An empty one is
 * refused here: `/v1/users/` would be another route than the one meant.
 */
export function fillPath<P extends string>(path: P, params: PathParams<P>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value: unknown = (params as Record<string, unknown> | undefined)?.[name];
    if (typeof value !== 'string' || value.length === 0) throw new ParleyError('VALIDATION_FAILED', `${name} must be a non-empty string`);
    return encodeURIComponent(value);
  });
}
