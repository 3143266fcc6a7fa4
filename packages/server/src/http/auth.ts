/**
 * Who is calling: the API key (server to server) or a user's auth token.
 * Both come as `Authorization: Bearer …`; the API key may also come as `x-api-key`.
 */
import { ParleyError, type User } from '@parley/protocol';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../services.ts';

/** Which credentials a route takes. */
export type AuthMode = 'apiKey' | 'authToken' | 'apiKeyOrAuthToken' | 'none';

export type Caller = { kind: 'apiKey' } | { kind: 'user'; user: User } | { kind: 'anonymous' };

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export async function authenticate(request: FastifyRequest, mode: AuthMode, services: Services): Promise<Caller> {
  if (mode === 'none') return { kind: 'anonymous' };
  const headerKey = request.headers['x-api-key'];
  const presented = typeof headerKey === 'string' ? headerKey : bearer(request);

  if (mode === 'apiKey') {
    if (presented === undefined) throw new ParleyError('API_KEY_REQUIRED');
    if (!services.secrets.checkApiKey(presented)) throw new ParleyError('API_KEY_INVALID');
    return { kind: 'apiKey' };
  }
  if (mode === 'apiKeyOrAuthToken' && presented !== undefined && services.secrets.checkApiKey(presented)) {
    return { kind: 'apiKey' };
  }
  const token = bearer(request);
  if (token === undefined) throw new ParleyError('AUTH_TOKEN_REQUIRED');
  const user = await services.store.users.userForAuthToken(token);
  if (!user) throw new ParleyError('AUTH_TOKEN_INVALID');
  return { kind: 'user', user };
}
