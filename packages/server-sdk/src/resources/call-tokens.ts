/**
 * Call tokens: `POST /v1/calls/tokens` takes a user's auth token, not the API
 * key (the token names the user), exactly as the browser SDK's
 * `ParleyCalls.generateToken(authToken, sessionId)` sends it.
 */
import { type CallKind, CallToken } from '@parley/protocol';
import type { HttpTransport } from '../http/transport.ts';
import { ROUTES } from '../routes.ts';

export type { CallToken };

export interface CallTokenOptions {
  /** 'direct' for a one-to-one call (either side ending ends it for both); default 'group'. */
  type?: CallKind;
}

export class CallTokens {
  readonly #http: HttpTransport;

  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** A call token that joins `sessionId` as the auth token's user; a new one (new `jti`) each time. */
  create(authToken: string, sessionId: string, options: CallTokenOptions = {}): Promise<CallToken> {
    const body = { sessionId, ...(options.type === undefined ? {} : { type: options.type }) };
    return this.#http.json(ROUTES.createCallToken, { params: undefined, authToken, body }, CallToken);
  }
}
