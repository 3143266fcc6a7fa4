/** /v1/users and their auth tokens, over real HTTP, with the API key. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, type ApiResponse, api, errorOf, startTestServer, type TestServer } from '../testing/test-server.ts';
import { restTestServer } from '../testing/rest-test-server.ts';

const { http, server } = restTestServer();
let n = 0;
const uniqueUid = (prefix = 'user') => `${prefix}-${++n}`;

describe('creating a user', () => {
  it('answers 201 with the user, defaults filled in', async () => {
    const r = await http.post('/v1/users', { uid: 'alice', name: 'Alice' });
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.body).toMatchObject({ uid: 'alice', name: 'Alice', avatar: null, metadata: {} });
    expect(Date.parse(r.body.createdAt)).not.toBeNaN();
  });

  it('keeps avatar and metadata', async () => {
    const uid = uniqueUid();
    const r = await http.post('/v1/users', { uid, name: 'Bo', avatar: 'https://example.com/bo.png', metadata: { plan: 'pro', seats: 3 } });
    expect(r.status).toBe(201);
    expect((await http.get(`/v1/users/${uid}`)).body).toMatchObject({ avatar: 'https://example.com/bo.png', metadata: { plan: 'pro', seats: 3 } });
  });

  it('refuses the same uid twice with USER_EXISTS (409)', async () => {
    const uid = uniqueUid();
    await http.createUser(uid);
    expect(errorOf(await http.post('/v1/users', { uid, name: 'again' }))).toEqual({ status: 409, code: 'USER_EXISTS' });
  });

  describe('with bad input', () => {
    const cases: [string, unknown][] = [
      ['no uid', { name: 'x' }],
      ['no name', { uid: 'x1' }],
      ['an empty body object', {}],
      ['a numeric uid', { uid: 42, name: 'x' }],
      ['a numeric name', { uid: 'x2', name: 42 }],
      ['an empty name', { uid: 'x3', name: '' }],
      ['a uid with a space', { uid: 'a b', name: 'x' }],
      ['a uid with a slash', { uid: 'a/b', name: 'x' }],
      ['a uid of 101 characters', { uid: 'u'.repeat(101), name: 'x' }],
      ['an avatar that is not a URL', { uid: 'x4', name: 'x', avatar: 'not a url' }],
      ['metadata that is a string', { uid: 'x5', name: 'x', metadata: 'nope' }],
      ['an unknown field', { uid: 'x6', name: 'x', admin: true }],
      ['an array', [{ uid: 'x7', name: 'x' }]],
      ['null', null],
    ];
    it.each(cases)('refuses %s with VALIDATION_FAILED (400)', async (_label, body) => {
      const r = await http.request('POST', '/v1/users', { body: JSON.stringify(body) });
      expect(errorOf(r)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(typeof r.body.error.message).toBe('string');
    });

    it('names the bad field in the message and the details', async () => {
      const r = await http.post('/v1/users', { uid: 7, name: 'x' });
      expect(r.body.error.message).toContain('body.uid');
      expect(r.body.error.details).toEqual([expect.objectContaining({ path: 'body.uid' })]);
    });

    it('creates nothing', async () => {
      expect((await http.get('/v1/users/x6')).status).toBe(404);
    });
  });

  describe('with wrong or missing credentials', () => {
    it('refuses no credentials with API_KEY_REQUIRED (401)', async () => {
      expect(errorOf(await http.post('/v1/users', { uid: 'k1', name: 'x' }, { auth: null }))).toEqual({ status: 401, code: 'API_KEY_REQUIRED' });
    });

    it('refuses a wrong API key with API_KEY_INVALID (401), as Bearer or as x-api-key', async () => {
      expect(errorOf(await http.post('/v1/users', { uid: 'k2', name: 'x' }, { auth: 'pk_wrong_key_wrong_key_wrong_key' }))).toEqual({
        status: 401,
        code: 'API_KEY_INVALID',
      });
      expect(errorOf(await http.post('/v1/users', { uid: 'k2', name: 'x' }, { auth: null, headers: { 'x-api-key': 'nope' } }))).toEqual({
        status: 401,
        code: 'API_KEY_INVALID',
      });
    });

    it('refuses a non-Bearer Authorization header with API_KEY_REQUIRED', async () => {
      const r = await http.post('/v1/users', { uid: 'k3', name: 'x' }, { auth: null, headers: { authorization: `Basic ${server().apiKey}` } });
      expect(errorOf(r)).toEqual({ status: 401, code: 'API_KEY_REQUIRED' });
    });

    it("refuses a user's auth token where the API key is needed (API_KEY_INVALID)", async () => {
      const uid = uniqueUid();
      await http.createUser(uid);
      const { authToken } = await http.createAuthToken(uid);
      expect(errorOf(await http.post('/v1/users', { uid: 'k4', name: 'x' }, { auth: authToken }))).toEqual({ status: 401, code: 'API_KEY_INVALID' });
      expect(errorOf(await http.get('/v1/users', { auth: authToken }))).toEqual({ status: 401, code: 'API_KEY_INVALID' });
    });

    it('accepts the API key as x-api-key', async () => {
      const r = await http.post('/v1/users', { uid: uniqueUid('xkey'), name: 'x' }, { auth: null, headers: { 'x-api-key': server().apiKey } });
      expect(r.status).toBe(201);
    });
  });
});

describe('reading a user', () => {
  it('answers 200 with the user', async () => {
    const uid = uniqueUid();
    const created = await http.createUser(uid, 'Reader');
    const r = await http.get(`/v1/users/${uid}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(created);
  });

  it('answers USER_NOT_FOUND (404) for an unknown uid', async () => {
    expect(errorOf(await http.get('/v1/users/nobody-here'))).toEqual({ status: 404, code: 'USER_NOT_FOUND' });
  });

  it('answers VALIDATION_FAILED (400) for a malformed uid in the path', async () => {
    expect(errorOf(await http.get('/v1/users/a%20b'))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(errorOf(await http.get('/v1/users/a%2Fb'))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('answers NOT_FOUND (404) for a uid in the path longer than any uid can be', async () => {
    // fastify matches path parameters of up to 100 characters, the most a uid may have.
    expect(errorOf(await http.get(`/v1/users/${'u'.repeat(101)}`))).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it('needs the API key', async () => {
    expect(errorOf(await http.get('/v1/users/alice', { auth: null }))).toEqual({ status: 401, code: 'API_KEY_REQUIRED' });
  });
});

describe('listing users', () => {
  let lister: TestServer;
  let h: Api;
  beforeAll(async () => {
    lister = await startTestServer();
    h = api(lister);
    for (const uid of ['p05', 'p03', 'p01', 'p04', 'p02']) await h.createUser(uid);
  });
  afterAll(async () => {
    await lister?.close();
  });

  it('gives every user in uid order on one page by default', async () => {
    const r = await h.get('/v1/users');
    expect(r.status).toBe(200);
    expect(r.body.items.map((u: { uid: string }) => u.uid)).toEqual(['p01', 'p02', 'p03', 'p04', 'p05']);
    expect(r.body.nextCursor).toBeNull();
  });

  it('pages with limit and cursor until nextCursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: ApiResponse<{ items: { uid: string }[]; nextCursor: string | null }> = await h.get(`/v1/users?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((u) => u.uid));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual(['p01', 'p02', 'p03', 'p04', 'p05']);
    expect(pages).toBe(3);
  });

  it('gives an empty page past the end', async () => {
    expect((await h.get('/v1/users?cursor=p05')).body).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['limit=0', 'limit 0'],
    ['limit=101', 'limit over 100'],
    ['limit=abc', 'a limit that is not a number'],
    ['limit=1.5', 'a fractional limit'],
    ['page=2', 'an unknown query parameter'],
    [`cursor=${'c'.repeat(201)}`, 'an over-long cursor'],
    ['cursor=a%00b', 'a cursor with a NUL, which the database cannot compare'],
  ])('refuses ?%s (%s) with VALIDATION_FAILED', async (query) => {
    expect(errorOf(await h.get(`/v1/users?${query}`))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('needs the API key', async () => {
    expect(errorOf(await h.get('/v1/users', { auth: null }))).toEqual({ status: 401, code: 'API_KEY_REQUIRED' });
  });
});

describe('changing a user with PATCH', () => {
  it('changes only the fields given', async () => {
    const uid = uniqueUid();
    await http.createUser(uid, 'Before', { avatar: 'https://example.com/a.png', metadata: { k: 1 } });
    const r = await http.patch(`/v1/users/${uid}`, { name: 'After' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ uid, name: 'After', avatar: 'https://example.com/a.png', metadata: { k: 1 } });
    expect((await http.get(`/v1/users/${uid}`)).body.name).toBe('After');
  });

  it('clears the avatar with null and replaces metadata', async () => {
    const uid = uniqueUid();
    await http.createUser(uid, 'X', { avatar: 'https://example.com/a.png', metadata: { k: 1 } });
    const r = await http.patch(`/v1/users/${uid}`, { avatar: null, metadata: { j: 2 } });
    expect(r.body).toMatchObject({ avatar: null, metadata: { j: 2 } });
  });

  it.each([
    ['an empty patch', {}],
    ['an unknown field', { name: 'x', uid: 'renamed' }],
    ['a numeric name', { name: 5 }],
    ['a null name', { name: null }],
  ])('refuses %s with VALIDATION_FAILED', async (_label, body) => {
    const uid = uniqueUid();
    await http.createUser(uid);
    expect(errorOf(await http.patch(`/v1/users/${uid}`, body))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('answers USER_NOT_FOUND for an unknown user', async () => {
    expect(errorOf(await http.patch('/v1/users/nobody-here', { name: 'x' }))).toEqual({ status: 404, code: 'USER_NOT_FOUND' });
  });

  it('needs the API key', async () => {
    expect(errorOf(await http.patch('/v1/users/alice', { name: 'x' }, { auth: null }))).toEqual({ status: 401, code: 'API_KEY_REQUIRED' });
  });
});

describe('deleting a user', () => {
  it('answers 204, after which the user is gone', async () => {
    const uid = uniqueUid();
    await http.createUser(uid);
    const r = await http.delete(`/v1/users/${uid}`);
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(errorOf(await http.get(`/v1/users/${uid}`))).toEqual({ status: 404, code: 'USER_NOT_FOUND' });
    expect(errorOf(await http.delete(`/v1/users/${uid}`))).toEqual({ status: 404, code: 'USER_NOT_FOUND' });
  });

  it('revokes its auth tokens: they no longer get call tokens (AUTH_TOKEN_INVALID)', async () => {
    const uid = uniqueUid();
    await http.createUser(uid);
    const a = await http.createAuthToken(uid);
    const b = await http.createAuthToken(uid);
    expect((await http.post('/v1/calls/tokens', { sessionId: 's' }, { auth: a.authToken })).status).toBe(200);
    await http.delete(`/v1/users/${uid}`);
    for (const t of [a, b]) {
      expect(errorOf(await http.post('/v1/calls/tokens', { sessionId: 's' }, { auth: t.authToken }))).toEqual({ status: 401, code: 'AUTH_TOKEN_INVALID' });
    }
  });

  it('does not revive old tokens when the uid is created again', async () => {
    const uid = uniqueUid();
    await http.createUser(uid);
    const old = await http.createAuthToken(uid);
    await http.delete(`/v1/users/${uid}`);
    await http.createUser(uid);
    expect(errorOf(await http.post('/v1/calls/tokens', { sessionId: 's' }, { auth: old.authToken }))).toEqual({ status: 401, code: 'AUTH_TOKEN_INVALID' });
  });

  it('needs the API key', async () => {
    expect(errorOf(await http.delete('/v1/users/alice', { auth: null }))).toEqual({ status: 401, code: 'API_KEY_REQUIRED' });
  });
});

describe('issuing an auth token', () => {
  it('answers 201 with id and token, and the token works', async () => {
    const uid = uniqueUid();
    await http.createUser(uid);
    const r = await http.post(`/v1/users/${uid}/auth-tokens`);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ uid, id: expect.stringMatching(/^[0-9a-f-]{36}$/), authToken: expect.any(String) });
    expect((await http.post('/v1/calls/tokens', { sessionId: 'ok' }, { auth: r.body.authToken })).status).toBe(200);
  });

  it('answers USER_NOT_FOUND (404) for an unknown user', async () => {
    expect(errorOf(await http.post('/v1/users/nobody-here/auth-tokens'))).toEqual({ status: 404, code: 'USER_NOT_FOUND' });
  });

  it('needs the API key, not an auth token', async () => {
    const uid = uniqueUid();
    await http.createUser(uid);
    const { authToken } = await http.createAuthToken(uid);
    expect(errorOf(await http.post(`/v1/users/${uid}/auth-tokens`, undefined, { auth: null }))).toEqual({ status: 401, code: 'API_KEY_REQUIRED' });
    expect(errorOf(await http.post(`/v1/users/${uid}/auth-tokens`, undefined, { auth: authToken }))).toEqual({ status: 401, code: 'API_KEY_INVALID' });
  });
});

describe('revoking an auth token', () => {
  it('answers 204; the token is refused afterwards, other tokens still work', async () => {
    const uid = uniqueUid();
    await http.createUser(uid);
    const a = await http.createAuthToken(uid);
    const b = await http.createAuthToken(uid);
    expect((await http.delete(`/v1/users/${uid}/auth-tokens/${a.id}`)).status).toBe(204);
    expect(errorOf(await http.post('/v1/calls/tokens', { sessionId: 's' }, { auth: a.authToken }))).toEqual({ status: 401, code: 'AUTH_TOKEN_INVALID' });
    expect((await http.post('/v1/calls/tokens', { sessionId: 's' }, { auth: b.authToken })).status).toBe(200);
  });

  it('answers AUTH_TOKEN_NOT_FOUND (404) for an unknown id or another user’s token', async () => {
    const uid = uniqueUid();
    const other = uniqueUid();
    await http.createUser(uid);
    await http.createUser(other);
    const t = await http.createAuthToken(uid);
    expect(errorOf(await http.delete(`/v1/users/${other}/auth-tokens/${t.id}`))).toEqual({ status: 404, code: 'AUTH_TOKEN_NOT_FOUND' });
    expect(errorOf(await http.delete(`/v1/users/${uid}/auth-tokens/00000000-0000-4000-8000-000000000000`))).toEqual({
      status: 404,
      code: 'AUTH_TOKEN_NOT_FOUND',
    });
  });

  it('answers VALIDATION_FAILED for an id that is not a UUID', async () => {
    expect(errorOf(await http.delete('/v1/users/alice/auth-tokens/not-a-uuid'))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('needs the API key', async () => {
    expect(errorOf(await http.delete('/v1/users/alice/auth-tokens/00000000-0000-4000-8000-000000000000', { auth: null }))).toEqual({
      status: 401,
      code: 'API_KEY_REQUIRED',
    });
  });
});
