/**
 * The server routes the demo uses that the SDK has no method for: the
 * development login (`POST /v1/dev/login`, a demo-only route standing in for
 * your app's own login), a call's recordings (`GET /v1/recordings`) and its
 * quality timelines (`GET /v1/calls/:sessionId/quality`). Everything else goes
 * through the SDK.
 */
import type { CallQuality, DevLoginResult, RecordingPage } from '@parley/protocol';
import { ERROR_CODES, type ErrorCode, ParleyError } from '@parley/sdk';

export function devLogin(uid: string, name: string): Promise<DevLoginResult> {
  return requestJson('/v1/dev/login', { method: 'POST', body: { uid, name } });
}

/** The recordings of one call the user was in, each ready one with a `playbackUrl` for a player. */
export function listRecordings(authToken: string, sessionId: string): Promise<RecordingPage> {
  return requestJson(`/v1/recordings?${new URLSearchParams({ sessionId, limit: '50' })}`, { authToken });
}

/** Each participant's quality samples of one call the user was in, with their joins and leaves. */
export function getCallQuality(authToken: string, sessionId: string): Promise<CallQuality> {
  return requestJson(`/v1/calls/${encodeURIComponent(sessionId)}/quality`, { authToken });
}

/** Same origin as the page; the server's `{ error: { code, message } }` becomes a ParleyError. */
async function requestJson<T>(path: string, init: { method?: 'GET' | 'POST'; authToken?: string; body?: unknown }): Promise<T> {
  const headers: Record<string, string> = {};
  if (init.authToken) headers.authorization = `Bearer ${init.authToken}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
  } catch (error) {
    throw new ParleyError('NETWORK_ERROR', `Cannot reach ${path}`, { cause: error });
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw serverError(response.status, body);
  return body as T;
}

function serverError(status: number, body: unknown): ParleyError {
  const { code, message } = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error ?? {};
  const known = typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
  return new ParleyError(
    known ? (code as ErrorCode) : status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED',
    typeof message === 'string' ? message : `The server answered ${status}`,
  );
}
