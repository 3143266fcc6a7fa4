/** `POST /v1/calls/tokens`: a call token for one session, for the user the auth token names. */
import { type CallKind, type CallToken, ParleyError } from '@parley/protocol';
import { restRequest } from './rest-request.ts';

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
  const body = await restRequest<Record<string, unknown> | undefined>(
    url,
    { method: 'POST', authToken, body: { sessionId, ...(options.type ? { type: options.type } : {}) } },
    fetchImpl,
  );
  if (!body || typeof body.token !== 'string' || typeof body.expiresAt !== 'string') {
    throw new ParleyError('INTERNAL_ERROR', 'The server sent an unexpected call token');
  }
  return { token: body.token, expiresAt: body.expiresAt, sessionId: typeof body.sessionId === 'string' ? body.sessionId : sessionId };
}
