/** POST /v1/calls/tokens: a user's auth token buys a call token for one session. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Api, api, errorOf, startTestServer, type TestServer } from '../testing/test-server.ts';
import { verifyCallToken } from '../tokens/call-token.ts';

let server: TestServer;
let http: Api;
let n = 0;

/** A fresh user with an auth token. */
async function someone(name = 'Someone', extra: Record<string, unknown> = {}) {
  const uid = `caller-${++n}`;
  await http.createUser(uid, name, extra);
  const { authToken, id } = await http.createAuthToken(uid);
  return { uid, authToken, tokenId: id };
}

function claimsOf(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  server = await startTestServer({ CALL_TOKEN_TTL_SECONDS: '600' });
  http = api(server);
});
afterAll(async () => {
  await server?.close();
});
afterEach(async () => {
  expect(await http.healthy()).toBe(true);
});

describe('creating a call token with a valid auth token', () => {
  it('answers 200 with token, expiresAt and sessionId', async () => {
    const { authToken } = await someone();
    const before = Date.now();
    const r = await http.post('/v1/calls/tokens', { sessionId: 'room-1' }, { auth: authToken });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ token: expect.any(String), expiresAt: expect.any(String), sessionId: 'room-1' });
    const expires = Date.parse(r.body.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 599_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 601_000);
  });

  it('binds the token to that session and that user, with name and avatar', async () => {
    const { uid, authToken } = await someone('Ada', { avatar: 'https://example.com/ada.png' });
    const r = await http.post('/v1/calls/tokens', { sessionId: 'room-2' }, { auth: authToken });
    const claims = claimsOf(r.body.token);
    expect(claims).toMatchObject({ sid: 'room-2', sub: uid, name: 'Ada', avatar: 'https://example.com/ada.png', kind: 'group' });
    expect(claims.exp).toBe(Math.floor(Date.parse(r.body.expiresAt) / 1000));
    const verified = await verifyCallToken(server.tokenSecret, r.body.token, 'room-2');
    expect(verified).toMatchObject({ sessionId: 'room-2', uid, name: 'Ada', kind: 'group' });
  });

  it('is a group call unless type says direct', async () => {
    const { authToken } = await someone();
    const direct = await http.post('/v1/calls/tokens', { sessionId: 'd', type: 'direct' }, { auth: authToken });
    const group = await http.post('/v1/calls/tokens', { sessionId: 'g', type: 'group' }, { auth: authToken });
    expect(claimsOf(direct.body.token).kind).toBe('direct');
    expect(claimsOf(group.body.token).kind).toBe('group');
  });

  it('gives a different token each time for the same session and user', async () => {
    const { authToken } = await someone();
    const a = await http.post('/v1/calls/tokens', { sessionId: 'same' }, { auth: authToken });
    const b = await http.post('/v1/calls/tokens', { sessionId: 'same' }, { auth: authToken });
    expect(a.body.token).not.toBe(b.body.token);
    expect(claimsOf(a.body.token).jti).not.toBe(claimsOf(b.body.token).jti);
  });

  it('accepts every allowed sessionId character, and 128 of them', async () => {
    const { authToken } = await someone();
    for (const sessionId of ['a', 'A-z_0.9:x', 's'.repeat(128)]) {
      const r = await http.post('/v1/calls/tokens', { sessionId }, { auth: authToken });
      expect(r.status, sessionId).toBe(200);
      expect(r.body.sessionId).toBe(sessionId);
    }
  });

  it("carries the user's current name after a rename", async () => {
    const { uid, authToken } = await someone('Old');
    await http.patch(`/v1/users/${uid}`, { name: 'New' });
    const r = await http.post('/v1/calls/tokens', { sessionId: 'r' }, { auth: authToken });
    expect(claimsOf(r.body.token).name).toBe('New');
  });
});

describe('creating a call token with bad input', () => {
  const cases: [string, unknown][] = [
    ['no sessionId', {}],
    ['a numeric sessionId', { sessionId: 42 }],
    ['a null sessionId', { sessionId: null }],
    ['an empty sessionId', { sessionId: '' }],
    ['a sessionId of 129 characters', { sessionId: 's'.repeat(129) }],
    ['a sessionId with a space', { sessionId: 'my room' }],
    ['a sessionId with a slash', { sessionId: 'a/b' }],
    ['a sessionId with non-ASCII letters', { sessionId: 'café' }],
    ['an unknown type', { sessionId: 'ok', type: 'conference' }],
    ['an unknown field', { sessionId: 'ok', uid: 'someone-else' }],
    ['an array body', [{ sessionId: 'ok' }]],
  ];
  it.each(cases)('refuses %s with VALIDATION_FAILED (400)', async (_label, body) => {
    const { authToken } = await someone();
    expect(errorOf(await http.request('POST', '/v1/calls/tokens', { body: JSON.stringify(body), auth: authToken }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });

  it('names sessionId in the message', async () => {
    const { authToken } = await someone();
    const r = await http.post('/v1/calls/tokens', { sessionId: 'a b' }, { auth: authToken });
    expect(r.body.error.message).toContain('body.sessionId');
  });

  it('refuses invalid JSON with INVALID_JSON (400)', async () => {
    const { authToken } = await someone();
    expect(errorOf(await http.request('POST', '/v1/calls/tokens', { body: '{"sessionId": ', auth: authToken }))).toEqual({
      status: 400,
      code: 'INVALID_JSON',
    });
  });

  it('refuses a body that is not JSON with UNSUPPORTED_MEDIA_TYPE (415)', async () => {
    const { authToken } = await someone();
    const r = await http.request('POST', '/v1/calls/tokens', { body: 'sessionId=x', auth: authToken, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(errorOf(r)).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('refuses a 2 MB body with PAYLOAD_TOO_LARGE (413)', async () => {
    const { authToken } = await someone();
    const r = await http.post('/v1/calls/tokens', { sessionId: 'x', pad: 'x'.repeat(2 * 1024 * 1024) }, { auth: authToken });
    expect(errorOf(r)).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});

describe('creating a call token without a usable auth token', () => {
  it('refuses no credentials with AUTH_TOKEN_REQUIRED (401)', async () => {
    expect(errorOf(await http.post('/v1/calls/tokens', { sessionId: 'x' }, { auth: null }))).toEqual({ status: 401, code: 'AUTH_TOKEN_REQUIRED' });
  });

  it('refuses an unknown auth token with AUTH_TOKEN_INVALID (401)', async () => {
    expect(errorOf(await http.post('/v1/calls/tokens', { sessionId: 'x' }, { auth: 'at_made_up_token' }))).toEqual({
      status: 401,
      code: 'AUTH_TOKEN_INVALID',
    });
  });

  it('refuses the API key where an auth token is needed (AUTH_TOKEN_INVALID)', async () => {
    expect(errorOf(await http.post('/v1/calls/tokens', { sessionId: 'x' }))).toEqual({ status: 401, code: 'AUTH_TOKEN_INVALID' });
    // as x-api-key it is simply not an auth token
    expect(errorOf(await http.post('/v1/calls/tokens', { sessionId: 'x' }, { auth: null, headers: { 'x-api-key': server.apiKey } }))).toEqual({
      status: 401,
      code: 'AUTH_TOKEN_REQUIRED',
    });
  });

  it('refuses a revoked auth token with AUTH_TOKEN_INVALID (401)', async () => {
    const { uid, authToken, tokenId } = await someone();
    expect((await http.delete(`/v1/users/${uid}/auth-tokens/${tokenId}`)).status).toBe(204);
    expect(errorOf(await http.post('/v1/calls/tokens', { sessionId: 'x' }, { auth: authToken }))).toEqual({ status: 401, code: 'AUTH_TOKEN_INVALID' });
  });

  it('refuses the auth token of a user deleted after it was made with AUTH_TOKEN_INVALID (401)', async () => {
    const { uid, authToken } = await someone();
    expect((await http.delete(`/v1/users/${uid}`)).status).toBe(204);
    expect(errorOf(await http.post('/v1/calls/tokens', { sessionId: 'x' }, { auth: authToken }))).toEqual({ status: 401, code: 'AUTH_TOKEN_INVALID' });
  });

  it('refuses a call token offered as an auth token (AUTH_TOKEN_INVALID)', async () => {
    const { authToken } = await someone();
    const call = await http.post('/v1/calls/tokens', { sessionId: 'x' }, { auth: authToken });
    expect(errorOf(await http.post('/v1/calls/tokens', { sessionId: 'x' }, { auth: call.body.token }))).toEqual({ status: 401, code: 'AUTH_TOKEN_INVALID' });
  });

  it('checks credentials before the body: a bad body without credentials is AUTH_TOKEN_REQUIRED', async () => {
    expect(errorOf(await http.post('/v1/calls/tokens', { sessionId: 'a b' }, { auth: null }))).toEqual({ status: 401, code: 'AUTH_TOKEN_REQUIRED' });
  });
});
