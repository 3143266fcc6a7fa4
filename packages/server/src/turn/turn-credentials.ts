/**
 * Short-lived TURN credentials in the TURN REST API convention, which coturn
 * checks with `use-auth-secret` + `static-auth-secret`: nobody stores them.
 * The username carries its own expiry (`<unix seconds>:<uid>`) and the password
 * is an HMAC of the username under the secret the server shares with coturn, so
 * coturn can verify both, and refuses the credential once the time has passed.
 */
import { createHmac } from 'node:crypto';

export interface TurnCredential {
  /** `<expiry, unix seconds>:<uid>`. */
  username: string;
  /** base64(HMAC-SHA1(secret, username)): RTCIceServer's `credential`. */
  credential: string;
  /** After this, coturn accepts no new allocation or refresh with it. */
  expiresAt: Date;
}

export interface TurnCredentialsOptions {
  /** coturn's `static-auth-secret`. */
  secret: string;
  /** How long each credential is valid, from the moment it is issued. */
  lifetimeSeconds: number;
  /** The clock, in ms since the epoch (tests pass their own). */
  now?: () => number;
}

export class TurnCredentials {
  readonly #secret: string;
  readonly #lifetimeSeconds: number;
  readonly #now: () => number;

  constructor(opts: TurnCredentialsOptions) {
    if (opts.secret.length === 0) throw new Error('TurnCredentials: the secret is empty');
    if (!Number.isInteger(opts.lifetimeSeconds) || opts.lifetimeSeconds <= 0) {
      throw new Error(`TurnCredentials: lifetimeSeconds must be a positive integer (got ${opts.lifetimeSeconds})`);
    }
    this.#secret = opts.secret;
    this.#lifetimeSeconds = opts.lifetimeSeconds;
    this.#now = opts.now ?? Date.now;
  }

  /** A credential for `uid`, valid for the configured lifetime from now. */
  issue(uid: string): TurnCredential {
    const expiry = Math.floor(this.#now() / 1000) + this.#lifetimeSeconds;
    const username = `${expiry}:${uid}`;
    const credential = createHmac('sha1', this.#secret).update(username).digest('base64');
    return { username, credential, expiresAt: new Date(expiry * 1000) };
  }
}
