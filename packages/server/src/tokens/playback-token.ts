/**
 * Playback tokens: short-lived HS256 JWTs that open one recording's file and
 * nothing else. A `<video src>` cannot send headers, so the file URL carries
 * one of these instead of a long-lived auth token or the API key.
 */
import { ParleyError } from '@parley/protocol';
import { jwtVerify, SignJWT } from 'jose';

const AUDIENCE = 'parley:recording-file';
export const PLAYBACK_TOKEN_TTL_SECONDS = 3600;

export function signPlaybackToken(secret: Uint8Array, recordingId: string, ttlSeconds = PLAYBACK_TOKEN_TTL_SECONDS): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('parley')
    .setAudience(AUDIENCE)
    .setSubject(recordingId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(secret);
}

/** Throws PLAYBACK_TOKEN_INVALID unless the token is ours, unexpired, and for this recording. */
export async function verifyPlaybackToken(secret: Uint8Array, token: string, recordingId: string): Promise<void> {
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: 'parley', audience: AUDIENCE, algorithms: ['HS256'] });
    if (payload.sub === recordingId) return;
  } catch (error) {
    throw new ParleyError('PLAYBACK_TOKEN_INVALID', undefined, { cause: error });
  }
  throw new ParleyError('PLAYBACK_TOKEN_INVALID', 'The playback token is for another recording');
}
