
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CallTokenClaims, signCallToken, verifyCallToken } from './call-token.ts';
import { codeOf } from '../testing/code-of.ts';

const SECRET = new TextEncoder().encode('unit-test-secret-unit-test-secret-0123456789');
const OTHER_SECRET = new TextEncoder().encode('another-secret-another-secret-0123456789abc');
const ALICE = { sessionId: 'room-1', uid: 'alice', name: 'Alice', avatar: 'https://example.com/a.png', kind: 'group' as const };

function decodePayload(token: string): Record<string, unknown> {
  const parts = token.split('.');
  expect(parts).toHaveLength(3);
  return JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}


afterEach(() => {
  vi.useRealTimers();
});

describe('a signed call token', () => {
  it('is a JWT whose payload names the session (sid) and the user (sub)', async () => {
    const { token } = await signCallToken(SECRET, 3600, ALICE);
    const payload = decodePayload(token);
    expect(payload).toMatchObject({ sid: 'room-1', sub: 'alice', name: 'Alice', avatar: 'https://example.com/a.png', kind: 'group' });
    expect(payload).toMatchObject({ iss: 'parley', aud: 'parley:call', jti: expect.any(String) });
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
  });

  it('expires after its ttl, and says so in expiresAt', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { token, expiresAt } = await signCallToken(SECRET, 120, ALICE);
    const { exp, iat } = decodePayload(token) as { exp: number; iat: number };
    expect(exp - (iat as number)).toBe(120);
    expect(exp).toBeGreaterThanOrEqual(before + 120);
    expect(new Date(expiresAt).getTime()).toBe(exp * 1000);
  });

  it('differs from the next one for the same session and user (jti)', async () => {
    const a = await signCallToken(SECRET, 3600, ALICE);
    const b = await signCallToken(SECRET, 3600, ALICE);
    expect(a.token).not.toBe(b.token);
    expect(decodePayload(a.token).jti).not.toBe(decodePayload(b.token).jti);
  });

  it('verifies back to the same claims', async () => {
    const { token, expiresAt } = await signCallToken(SECRET, 3600, { ...ALICE, kind: 'direct', canRecord: false });
    const claims: CallTokenClaims = await verifyCallToken(SECRET, token, 'room-1');
    expect(claims).toMatchObject({ sessionId: 'room-1', uid: 'alice', name: 'Alice', avatar: 'https://example.com/a.png', kind: 'direct', canRecord: false });
    expect(claims.jti).toBe(decodePayload(token).jti);
    expect(claims.expiresAt.toISOString()).toBe(expiresAt);
  });

  it('carries a null avatar as null, and may record by default', async () => {
    const { token } = await signCallToken(SECRET, 3600, { ...ALICE, avatar: null });
    expect(await verifyCallToken(SECRET, token)).toMatchObject({ avatar: null, canRecord: true });
  });
});

describe('verifying a call token', () => {
  it('refuses one signed with another secret (CALL_TOKEN_INVALID)', async () => {
    const { token } = await signCallToken(OTHER_SECRET, 3600, ALICE);
    expect(await codeOf(verifyCallToken(SECRET, token))).toBe('CALL_TOKEN_INVALID');
  });

  it('refuses an expired one (CALL_TOKEN_EXPIRED)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const { token } = await signCallToken(SECRET, 60, ALICE);
    expect((await verifyCallToken(SECRET, token)).uid).toBe('alice');
    vi.setSystemTime(new Date('2030-01-01T00:01:01Z'));
    expect(await codeOf(verifyCallToken(SECRET, token))).toBe('CALL_TOKEN_EXPIRED');
  });

  it('refuses one crafted with an exp in the past (CALL_TOKEN_EXPIRED)', async () => {
    const token = await new SignJWT({ sid: 'room-1', name: 'Alice', kind: 'group' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('parley')
      .setAudience('parley:call')
      .setSubject('alice')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(SECRET);
    expect(await codeOf(verifyCallToken(SECRET, token))).toBe('CALL_TOKEN_EXPIRED');
  });

  it.each([
    ['an empty string', ''],
    ['not a JWT', 'hello'],
    ['two parts', 'a.b'],
    ['garbage in three parts', 'a.b.c'],
  ])('refuses a malformed one: %s (CALL_TOKEN_INVALID)', async (_label, token) => {
    expect(await codeOf(verifyCallToken(SECRET, token))).toBe('CALL_TOKEN_INVALID');
  });

  it('refuses one whose payload was changed after signing (CALL_TOKEN_INVALID)', async () => {
    const { token } = await signCallToken(SECRET, 3600, ALICE);
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodePayload(token), sub: 'mallory' })).toString('base64url');
    expect(await codeOf(verifyCallToken(SECRET, `${header}.${forged}.${signature}`))).toBe('CALL_TOKEN_INVALID');
  });

  it('refuses an unsigned one (alg none) (CALL_TOKEN_INVALID)', async () => {
    const { token } = await signCallToken(SECRET, 3600, ALICE);
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = token.split('.')[1];
    expect(await codeOf(verifyCallToken(SECRET, `${header}.${payload}.`))).toBe('CALL_TOKEN_INVALID');
  });

  it('refuses a JWT for another audience or issuer (CALL_TOKEN_INVALID)', async () => {
    const make = (iss: string, aud: string) =>
      new SignJWT({ sid: 'room-1', name: 'Alice', kind: 'group' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(iss)
        .setAudience(aud)
        .setSubject('alice')
        .setExpirationTime('1h')
        .sign(SECRET);
    expect(await codeOf(verifyCallToken(SECRET, await make('parley', 'someone-else')))).toBe('CALL_TOKEN_INVALID');
    expect(await codeOf(verifyCallToken(SECRET, await make('someone-else', 'parley:call')))).toBe('CALL_TOKEN_INVALID');
  });

  it('refuses a well-signed one that lacks its session or user (CALL_TOKEN_INVALID)', async () => {
    const token = await new SignJWT({ name: 'Alice', kind: 'group' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('parley')
      .setAudience('parley:call')
      .setSubject('alice')
      .setExpirationTime('1h')
      .sign(SECRET);
    expect(await codeOf(verifyCallToken(SECRET, token))).toBe('CALL_TOKEN_INVALID');
  });

  it.each([
    ['a session id with a slash and spaces', { sid: 'a/b c' }, 'alice'],
    ['a session id of 300 characters', { sid: 's'.repeat(300) }, 'alice'],
    ['a uid with spaces', {}, 'al ice'],
    ['a name with a NUL', { name: 'a\u0000b' }, 'alice'],
  ])('refuses a well-signed one whose claims break the schemas: %s (CALL_TOKEN_INVALID)', async (_, claims, sub) => {
    const token = await new SignJWT({ sid: 'room-1', name: 'Alice', kind: 'group', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('parley')
      .setAudience('parley:call')
      .setSubject(sub)
      .setExpirationTime('1h')
      .sign(SECRET);
    expect(await codeOf(verifyCallToken(SECRET, token))).toBe('CALL_TOKEN_INVALID');
  });

  it('refuses one for another session when the session is given (CALL_TOKEN_WRONG_SESSION)', async () => {
    const { token } = await signCallToken(SECRET, 3600, ALICE);
    expect(await codeOf(verifyCallToken(SECRET, token, 'room-2'))).toBe('CALL_TOKEN_WRONG_SESSION');
    expect((await verifyCallToken(SECRET, token, 'room-1')).sessionId).toBe('room-1');
    expect((await verifyCallToken(SECRET, token)).sessionId).toBe('room-1');
  });

  it('reports the statuses the codes document', async () => {
    const { token } = await signCallToken(OTHER_SECRET, 3600, ALICE);
    await expect(verifyCallToken(SECRET, token)).rejects.toMatchObject({ code: 'CALL_TOKEN_INVALID', status: 401 });
    const ok = await signCallToken(SECRET, 3600, ALICE);
    await expect(verifyCallToken(SECRET, ok.token, 'x')).rejects.toMatchObject({ code: 'CALL_TOKEN_WRONG_SESSION', status: 403 });
  });
});
