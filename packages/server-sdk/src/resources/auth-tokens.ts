/**
 * A user's auth tokens (API key): what your backend hands to your page for the
 * browser SDK when the user signs in. Each token is shown once; keep its id to revoke it.
 */
import { CreatedAuthToken } from '@parley/protocol';
import type { HttpTransport } from '../http/transport.ts';
import { ROUTES } from '../routes.ts';

export type { CreatedAuthToken };

export class AuthTokens {
  readonly #http: HttpTransport;

  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** A new auth token for the user (USER_NOT_FOUND when there is none). */
  create(uid: string): Promise<CreatedAuthToken> {
    return this.#http.json(ROUTES.createAuthToken, { params: { uid } }, CreatedAuthToken);
  }

  /** From then on the token gets AUTH_TOKEN_INVALID. Revoking twice is fine. */
  revoke(uid: string, id: string): Promise<void> {
    return this.#http.empty(ROUTES.revokeAuthToken, { params: { uid, id } });
  }
}
