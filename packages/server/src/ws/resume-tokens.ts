/**
 * A participant's resume token: a secret that also names its session, so in a
 * cluster the process a client resumes on finds the session's owner without a
 * lookup (`<sessionId>.<random>`; session ids have no spaces, the random part
 * no dot). Only its SHA-256 is kept, and all of it is compared.
 */
import { randomBytes } from 'node:crypto';

export function newResumeToken(sessionId: string): string {
  return `${sessionId}.${randomBytes(24).toString('base64url')}`;
}

/** The session a resume token names; undefined for one that names none. */
export function sessionOfResumeToken(token: string): string | undefined {
  const dot = token.lastIndexOf('.');
  return dot > 0 ? token.slice(0, dot) : undefined;
}
