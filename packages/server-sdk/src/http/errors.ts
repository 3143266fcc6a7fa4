/**
 * What goes wrong over HTTP, as ParleyErrors. The server's own
 * `{ error: { code, message, details } }` keeps its code; an answer without
 * one (a proxy in front, or not a Parley server) gets a code from its status.
 */
import { type ErrorCode, isErrorCode, ParleyError } from '@parley/protocol';

/** Statuses a proxy answers when it cannot get the request through to the server. */
const UNREACHABLE_STATUSES = new Set([429, 502, 503, 504]);

export function errorFromResponse(status: number, text: string, what: string): ParleyError {
  const error = parseErrorBody(text);
  if (error && isErrorCode(error.code)) {
    return new ParleyError(error.code, typeof error.message === 'string' ? error.message : undefined, { details: error.details });
  }
  return new ParleyError(codeForStatus(status), `${what}: the server answered ${status} without a Parley error`, { details: { status } });
}

function codeForStatus(status: number): ErrorCode {
  if (UNREACHABLE_STATUSES.has(status)) return 'NETWORK_ERROR';
  if (status === 404) return 'NOT_FOUND';
  if (status >= 500) return 'INTERNAL_ERROR';
  return 'VALIDATION_FAILED';
}

function parseErrorBody(text: string): { code?: unknown; message?: unknown; details?: unknown } | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return body && typeof body.error === 'object' && body.error !== null ? body.error : undefined;
  } catch {
    return undefined;
  }
}

/** `fetch` rejected: no answer came (refused, reset, DNS, TLS). */
export function networkError(error: unknown, what: string): ParleyError {
  if (error instanceof ParleyError) return error;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : String((error as Error)?.message ?? error);
  return new ParleyError('NETWORK_ERROR', `${what}: cannot reach the server (${reason})`, { cause: error });
}

export function timeoutError(ms: number, what: string): ParleyError {
  return new ParleyError('REQUEST_TIMEOUT', `${what}: no answer within ${ms} ms`);
}
