/** `POST /v1/calls/tokens`: a call token for one session, for the user the auth token names. */
import { type CallKind, type CallToken, isErrorCode, ParleyError } from '@parley/protocol';

export interface GenerateTokenOptions {
  /** 'direct' for a one-to-one call (either side ending ends it for both); default 'group'. */
  type?: CallKind;
}

export async function requestCallToken(
  serverUrl: string,
  authToken: string,
  sessionId: string,
  options: GenerateTokenOptions = {},
  fetchImpl: typeof fetch = globalThis.fetch,
): Promise<CallToken> {
  if (typeof authToken !== 'string' || authToken.length === 0) {
    throw new ParleyError('VALIDATION_FAILED', 'generateToken expects the user auth token as a non-empty string');
  }
  if (typeof sessionId !== 'string' || sessionId.length === 0) {
    throw new ParleyError('VALIDATION_FAILED', 'generateToken expects the session id as a non-empty string');
  }
  if (options.type !== undefined && options.type !== 'direct' && options.type !== 'group') {
    throw new ParleyError('VALIDATION_FAILED', "generateToken's type must be 'direct' or 'group'");
  }
  const url = `${serverUrl.replace(/\/+$/, '')}/v1/calls/tokens`;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${authToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId, ...(options.type ? { type: options.type } : {}) }),
    });
  } catch (error) {
    throw new ParleyError('NETWORK_ERROR', `Cannot reach ${url}`, { cause: error });
  }
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!response.ok) {
    const error = (body?.error ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
    const code = isErrorCode(error.code) ? error.code : response.status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED';
    const message = typeof error.message === 'string' ? error.message : `The server answered ${response.status}`;
    throw new ParleyError(code, message, { details: error.details });
  }
  if (!body || typeof body.token !== 'string' || typeof body.expiresAt !== 'string') {
    throw new ParleyError('INTERNAL_ERROR', 'The server sent an unexpected call token');
  }
  return { token: body.token, expiresAt: body.expiresAt, sessionId: typeof body.sessionId === 'string' ? body.sessionId : sessionId };
}
