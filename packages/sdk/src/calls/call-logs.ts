/** The call log over REST: `GET /v1/calls` (paged) and `GET /v1/calls/:sessionId`, with a user's auth token. */
import { type CallLog, type CallLogPage, type CallStatus, ParleyError } from '@parley/protocol';
import { restRequest } from '../api/rest-request.ts';

export type { CallLog, CallLogPage };

export interface CallLogRequest {
  authToken: string;
  /** 1–100, default 25. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
  /** Only calls with this status (or any of these). */
  status?: CallStatus | CallStatus[];
}

async function getJson<T>(url: string, authToken: string, fetchImpl: typeof fetch): Promise<T> {
  if (typeof authToken !== 'string' || authToken.length === 0) {
    throw new ParleyError('VALIDATION_FAILED', 'Call logs need the user auth token as a non-empty string');
  }
  return restRequest<T>(url, { authToken }, fetchImpl);
}

export function fetchCallDetails(serverUrl: string, sessionId: string, authToken: string, fetchImpl: typeof fetch = globalThis.fetch): Promise<CallLog> {
  if (typeof sessionId !== 'string' || sessionId.length === 0) {
    return Promise.reject(new ParleyError('VALIDATION_FAILED', 'getCallDetails expects the sessionId as a non-empty string'));
  }
  return getJson<CallLog>(`${serverUrl}/v1/calls/${encodeURIComponent(sessionId)}`, authToken, fetchImpl);
}

export function fetchCallLogs(serverUrl: string, request: CallLogRequest, fetchImpl: typeof fetch = globalThis.fetch): Promise<CallLogPage> {
  if (!request || typeof request !== 'object') return Promise.reject(new ParleyError('VALIDATION_FAILED', 'getCallLogs expects { authToken, limit?, cursor?, status? }'));
  const query = new URLSearchParams();
  if (request.limit !== undefined) query.set('limit', String(request.limit));
  if (request.cursor) query.set('cursor', request.cursor);
  if (request.status !== undefined) query.set('status', Array.isArray(request.status) ? request.status.join(',') : request.status);
  const qs = query.toString();
  return getJson<CallLogPage>(`${serverUrl}/v1/calls${qs ? `?${qs}` : ''}`, request.authToken, fetchImpl);
}
