/**
 * Call tokens: HS256 JWTs bound to one session and one user. The signaling
 * verifies them with `verifyCallToken`; nothing else opens a session.
 */
import { randomUUID } from 'node:crypto';
import { CallKind, CreateUserBody, ParleyError, SESSION_ID, UID } from '@parley/protocol';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

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

/**
 * The claims a token must carry, checked with the same schemas as the REST
 * bodies they came from: a token signed with the right secret but made by
 * other code (a leaked secret, a bug) still cannot smuggle in a session id or
 * uid the rest of the server would not accept.
 */
const CallTokenPayload = z.object({
  sid: SESSION_ID,
  sub: UID,
  name: CreateUserBody.shape.name,
  avatar: z.string().max(2048).nullable().optional(),
  kind: CallKind,
  rec: z.boolean().optional(),
  jti: z.string().max(64).optional(),
  exp: z.number(),
});

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
  const claims = CallTokenPayload.safeParse(payload);
  if (!claims.success) throw new ParleyError('CALL_TOKEN_INVALID', 'The call token lacks its session or user, or they are malformed');
  const { sid, sub, name, avatar, kind, rec, jti, exp } = claims.data;
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
