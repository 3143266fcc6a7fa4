/** POST /v1/dev/login: the demo's way in; on by default only on loopback. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Api, api, errorOf, startTestServer, type TestServer } from '../testing/test-server.ts';

describe('development login on a server bound to 127.0.0.1 (the default)', () => {
  let server: TestServer;
  let http: Api;
  beforeAll(async () => {
    server = await startTestServer();
    http = api(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is on', () => {
    expect(server.services.config.devLogin).toBe(true);
  });

  it('creates the user and returns a working auth token, without any credentials', async () => {
    const r = await http.post('/v1/dev/login', { uid: 'demo-alice', name: 'Alice' }, { auth: null });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ uid: 'demo-alice', name: 'Alice', avatar: null });
    expect(r.body.authToken).toEqual(expect.any(String));
    expect((await http.get('/v1/users/demo-alice')).body.name).toBe('Alice');
    const call = await http.post('/v1/calls/tokens', { sessionId: 'demo' }, { auth: r.body.authToken });
    expect(call.status).toBe(200);
  });

  it('logs an existing user in again with a new token, renaming it when the name changed', async () => {
    const first = await http.post('/v1/dev/login', { uid: 'demo-bob', name: 'Bob' }, { auth: null });
    const second = await http.post('/v1/dev/login', { uid: 'demo-bob', name: 'Robert' }, { auth: null });
    expect(second.status).toBe(200);
    expect(second.body.user.name).toBe('Robert');
    expect(second.body.authToken).not.toBe(first.body.authToken);
    expect((await http.get('/v1/users/demo-bob')).body.name).toBe('Robert');
    // the first token still works
    expect((await http.post('/v1/calls/tokens', { sessionId: 'x' }, { auth: first.body.authToken })).status).toBe(200);
  });

  it('ignores credentials it does not need', async () => {
    expect((await http.post('/v1/dev/login', { uid: 'demo-c', name: 'C' }, { auth: 'whatever' })).status).toBe(200);
  });

  it.each([
    ['no name', { uid: 'demo-x' }],
    ['no uid', { name: 'X' }],
    ['a numeric uid', { uid: 1, name: 'X' }],
    ['a uid with a space', { uid: 'demo x', name: 'X' }],
    ['an unknown field', { uid: 'demo-x', name: 'X', avatar: 'https://example.com/x.png' }],
    ['an empty name', { uid: 'demo-x', name: '' }],
  ])('refuses %s with VALIDATION_FAILED (400)', async (_label, body) => {
    expect(errorOf(await http.post('/v1/dev/login', body, { auth: null }))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await http.healthy()).toBe(true);
  });

  it('refuses invalid JSON and a 2 MB body', async () => {
    expect(errorOf(await http.request('POST', '/v1/dev/login', { body: '{', auth: null }))).toEqual({ status: 400, code: 'INVALID_JSON' });
    expect(errorOf(await http.post('/v1/dev/login', { uid: 'big', name: 'x'.repeat(2 * 1024 * 1024) }, { auth: null }))).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(await http.healthy()).toBe(true);
  });
});

describe('development login turned off with PARLEY_DEV_LOGIN=0', () => {
  let server: TestServer;
  let http: Api;
  beforeAll(async () => {
    server = await startTestServer({ PARLEY_DEV_LOGIN: '0' });
    http = api(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers DEV_LOGIN_DISABLED (403) and creates no user', async () => {
    expect(errorOf(await http.post('/v1/dev/login', { uid: 'demo-eve', name: 'Eve' }, { auth: null }))).toEqual({
      status: 403,
      code: 'DEV_LOGIN_DISABLED',
    });
    expect(errorOf(await http.get('/v1/users/demo-eve'))).toEqual({ status: 404, code: 'USER_NOT_FOUND' });
  });

  it('answers DEV_LOGIN_DISABLED even with the API key', async () => {
    expect(errorOf(await http.post('/v1/dev/login', { uid: 'demo-eve', name: 'Eve' }))).toEqual({ status: 403, code: 'DEV_LOGIN_DISABLED' });
  });

  it('keeps the rest of the API working', async () => {
    await http.createUser('real-user');
    const { authToken } = await http.createAuthToken('real-user');
    expect((await http.post('/v1/calls/tokens', { sessionId: 'x' }, { auth: authToken })).status).toBe(200);
    expect(await http.healthy()).toBe(true);
  });
});
