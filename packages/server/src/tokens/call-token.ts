/**
 * Call tokens: HS256 JWTs bound to one session and one user. The signaling
 * verifies them with `verifyCallToken`; nothing else opens a session.
 */
import { randomUUID } from 'node:crypto';
import { type CallKind, ParleyError } from '@parley/protocol';
import { errors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'parley';
const AUDIENCE = 'parley:call';

export interface CallTokenClaims {
  sessionId: string;
  uid: string;
  name: string;
  avatar: string | null;
  kind: CallKind;
  canRecord: boolean;
  jti: string;
  expiresAt: Date;
}

export async function signCallToken(
  secret: Uint8Array,
  ttlSeconds: number,
  claims: { sessionId: string; uid: string; name: string; avatar: string | null; kind: CallKind; canRecord?: boolean },
): Promise<{ token: string; expiresAt: string }> {
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  const token = await new SignJWT({
    sid: claims.sessionId,
    name: claims.name,
    avatar: claims.avatar,
    kind: claims.kind,
    rec: claims.canRecord ?? true,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.uid)
    .setJti(randomUUID()) // unique per issue, even for the same (session, user)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(secret);
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Verifies signature, issuer, audience and expiry, and optionally the session it is for. */
export async function verifyCallToken(secret: Uint8Array, token: string, expectedSessionId?: string): Promise<CallTokenClaims> {
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new ParleyError('CALL_TOKEN_EXPIRED', undefined, { cause: error });
    throw new ParleyError('CALL_TOKEN_INVALID', undefined, { cause: error });
  }
  const { sid, sub, name, avatar, kind, rec, jti, exp } = payload;
  if (typeof sid !== 'string' || typeof sub !== 'string' || typeof name !== 'string' || (kind !== 'direct' && kind !== 'group')) {
    throw new ParleyError('CALL_TOKEN_INVALID', 'The call token lacks its session or user');
  }
  if (expectedSessionId !== undefined && sid !== expectedSessionId) {
    throw new ParleyError('CALL_TOKEN_WRONG_SESSION', `The call token is for session "${sid}", not "${expectedSessionId}"`);
  }
  return {
    sessionId: sid,
    uid: sub,
    name,
    avatar: typeof avatar === 'string' ? avatar : null,
    kind,
    canRecord: rec !== false,
    jti: String(jti),
    expiresAt: new Date(Number(exp) * 1000),
  };
}
