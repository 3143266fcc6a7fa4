/** What goes wrong over HTTP, as ParleyErrors (a failed answer: protocol's `errorFromResponse`). */
import { errorFromResponse, ParleyError } from '@parley/protocol';

/** The answer's text, parsed if it is JSON, as protocol's `errorFromResponse` takes it. */
export function errorFromText(status: number, text: string, what: string): ParleyError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return errorFromResponse(status, body, what);
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
