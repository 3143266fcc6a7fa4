/**
 * The client without a server: what it sends (URL, credential, body), how it
 * reads answers and errors, when it retries and when it does not. The same
 * client against a real server: client.int.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ParleyServerClient, type ParleyServerClientOptions } from './client.ts';
import { isParleyError } from './index.ts';
import { failure } from './testing/expect-failure.ts';
import { fakeFetch, json, parleyError, type Reply, refused } from './testing/fake-fetch.ts';

const KEY = 'pk_unit_0123456789abcdefghijkl';
const USER = { uid: 'ann', name: 'Ann', avatar: null, metadata: {}, createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z' };
const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 50 };

function clientWith(replies: Reply[], options: Partial<ParleyServerClientOptions> = {}) {
  const fetch = fakeFetch(...replies);
  const client = new ParleyServerClient({ url: 'http://parley.test', apiKey: KEY, retry: FAST_RETRY, fetch, ...options });
  return { client, seen: fetch.seen };
}

describe('what the client sends', () => {
  it('sends the API key as a Bearer token, the body as JSON, path parameters encoded', async () => {
    const { client, seen } = clientWith([json(200, USER)]);
    await client.users.update('ann@x.y/z', { name: 'Ann' });
    expect(seen[0]).toMatchObject({
      method: 'PATCH',
      url: 'http://parley.test/v1/users/ann%40x.y%2Fz',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: { name: 'Ann' },
    });
  });

  it("sends the user's auth token, not the API key, for a call token", async () => {
    const { client, seen } = clientWith([json(200, { token: 'jwt', expiresAt: '2030-01-02T00:00:00.000Z', sessionId: 's-1' })]);
    expect(await client.callTokens.create('at_user', 's-1', { type: 'direct' })).toEqual({ token: 'jwt', expiresAt: '2030-01-02T00:00:00.000Z', sessionId: 's-1' });
    expect(seen[0]).toMatchObject({ method: 'POST', url: 'http://parley.test/v1/calls/tokens', headers: { authorization: 'Bearer at_user' }, body: { sessionId: 's-1', type: 'direct' } });
  });

  it('keeps a path prefix of the server URL, and leaves out query parameters not given', async () => {
    const { client, seen } = clientWith([json(200, { items: [], nextCursor: null })], { url: 'https://example.com/parley/' });
    await client.calls.list({ status: ['ended', 'busy'], limit: 5, cursor: null });
    expect(seen[0]?.url).toBe('https://example.com/parley/v1/calls?limit=5&status=ended%2Cbusy');
  });

  it('refuses an empty path parameter or auth token before sending anything', async () => {
    const { client, seen } = clientWith([json(200, USER)]);
    expect((await failure(client.users.get(''))).code).toBe('VALIDATION_FAILED');
    expect((await failure(client.callTokens.create('', 's-1'))).code).toBe('VALIDATION_FAILED');
    expect(seen).toEqual([]);
  });

  it('refuses a bad URL, API key or retry setting when made', () => {
    for (const options of [{ url: 'ftp://x' }, { url: 'not a url' }, { apiKey: ' ' }, { retry: { maxAttempts: 0 } }, { timeoutMs: 0 }]) {
      const error = (() => {
        try {
          new ParleyServerClient({ url: 'http://parley.test', apiKey: KEY, ...options } as ParleyServerClientOptions);
        } catch (e) {
          return e;
        }
      })();
      expect(isParleyError(error, 'VALIDATION_FAILED'), JSON.stringify(options)).toBe(true);
    }
  });
});

describe('answers and errors', () => {
  it("turns the server's error into a ParleyError with its code, message and details", async () => {
    const { client } = clientWith([parleyError(409, 'RECORDING_NOT_READY', 'The recording is processing', { status: 'processing' })]);
    const error = await failure(client.recordings.get('0b7c4a8e-0000-4000-8000-000000000000'));
    expect({ code: error.code, message: error.message, status: error.status, details: error.details }).toEqual({
      code: 'RECORDING_NOT_READY',
      message: 'The recording is processing',
      status: 409,
      details: { status: 'processing' },
    });
  });

  it('reports a key refused as an auth token (routes taking either) as API_KEY_INVALID: the client sent a key', async () => {
    const refusedKey = await failure(clientWith([parleyError(401, 'AUTH_TOKEN_INVALID')]).client.calls.list());
    expect(refusedKey.code).toBe('API_KEY_INVALID');
    const refusedToken = await failure(clientWith([parleyError(401, 'AUTH_TOKEN_INVALID')]).client.callTokens.create('at_gone', 's-1'));
    expect(refusedToken.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('gives an answer without a Parley error a code from its status', async () => {
    expect((await failure(clientWith([new Response('<html>bad gateway</html>', { status: 502 })]).client.users.list())).code).toBe('NETWORK_ERROR');
    expect((await failure(clientWith([new Response('nope', { status: 404 })]).client.users.list())).code).toBe('NOT_FOUND');
    expect((await failure(clientWith([new Response('oops', { status: 500 })]).client.users.list())).code).toBe('INTERNAL_ERROR');
  });

  it('refuses an answer that does not match the protocol schema', async () => {
    const error = await failure(clientWith([json(200, { ...USER, uid: 42 })]).client.users.get('ann'));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).toMatch(/GET \/v1\/users\/:uid: unexpected answer \(uid:/);
  });

  it('a connection that fails is NETWORK_ERROR, naming why', async () => {
    const error = await failure(clientWith([refused()], { retry: false }).client.users.list());
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('an answer slower than timeoutMs is REQUEST_TIMEOUT', async () => {
    const never: Reply = (_request, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const { client, seen } = clientWith([never], { timeoutMs: 20 });
    expect((await failure(client.users.list())).code).toBe('REQUEST_TIMEOUT');
    expect(seen).toHaveLength(1); // a slow server is not asked again
  });
});

describe('retries', () => {
  it('retries a GET after 503 and 429, then returns the answer', async () => {
    const { client, seen } = clientWith([parleyError(503, 'MEDIA_UNAVAILABLE'), new Response('', { status: 429 }), json(200, USER)]);
    expect(await client.users.get('ann')).toEqual(USER);
    expect(seen).toHaveLength(3);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { client, seen } = clientWith([parleyError(503, 'MEDIA_UNAVAILABLE')]);
    expect((await failure(client.users.get('ann'))).code).toBe('MEDIA_UNAVAILABLE');
    expect(seen).toHaveLength(3);
  });

  it('retries a failed connection for a request safe to repeat', async () => {
    const { client, seen } = clientWith([refused(), json(200, { items: [], nextCursor: null })]);
    expect(await client.users.list()).toEqual({ items: [], nextCursor: null });
    expect(seen).toHaveLength(2);
  });

  it('never retries other 4xx answers', async () => {
    for (const [status, code] of [
      [400, 'VALIDATION_FAILED'],
      [401, 'API_KEY_INVALID'],
      [404, 'USER_NOT_FOUND'],
      [409, 'USER_EXISTS'],
    ] as const) {
      const { client, seen } = clientWith([parleyError(status, code), json(200, USER)]);
      expect((await failure(client.users.get('ann'))).code).toBe(code);
      expect(seen).toHaveLength(1);
    }
  });

  it('does not repeat creating a user or an auth token, even after a 503 or a failed connection', async () => {
    for (const reply of [parleyError(503, 'MEDIA_UNAVAILABLE'), refused()]) {
      const { client, seen } = clientWith([reply, json(201, USER)]);
      await failure(client.users.create({ uid: 'ann', name: 'Ann' }));
      await failure(client.authTokens.create('ann'));
      expect(seen.map((r) => r.method)).toEqual(['POST', 'POST']);
    }
  });

  it('repeats a call-token request (the server stores nothing for it)', async () => {
    const { client, seen } = clientWith([new Response('', { status: 429 }), json(200, { token: 'jwt', expiresAt: '2030-01-02T00:00:00.000Z', sessionId: 's' })]);
    expect((await client.callTokens.create('at_user', 's')).token).toBe('jwt');
    expect(seen).toHaveLength(2);
  });

  it("waits as long as Retry-After asks, and gives up at once when it asks for longer than maxDelayMs", async () => {
    const slow = clientWith([new Response('', { status: 429, headers: { 'retry-after': '1' } }), json(200, USER)], { retry: { ...FAST_RETRY, maxDelayMs: 5_000 } });
    const started = Date.now();
    await slow.client.users.get('ann');
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);

    const tooSlow = clientWith([new Response('', { status: 503, headers: { 'retry-after': '120' } }), json(200, USER)]);
    expect((await failure(tooSlow.client.users.get('ann'))).code).toBe('NETWORK_ERROR');
    expect(tooSlow.seen).toHaveLength(1);
  });

  it('takes a retry policy of its own, or none', async () => {
    const asked: unknown[] = [];
    const policy = {
      nextRetryDelayMs: (context: unknown) => {
        asked.push(context);
        return asked.length < 2 ? 0 : null;
      },
    };
    const own = clientWith([new Response('', { status: 503, headers: { 'retry-after': '2' } })], { retry: policy });
    await failure(own.client.users.get('ann'));
    expect(asked).toEqual([
      { attempts: 1, status: 503, retryAfterMs: 2000 },
      { attempts: 2, status: 503, retryAfterMs: 2000 },
    ]);
    const none = clientWith([parleyError(503, 'MEDIA_UNAVAILABLE')], { retry: false });
    await failure(none.client.users.get('ann'));
    expect(none.seen).toHaveLength(1);
  });
});

describe('paging', () => {
  it('walks every page with all(), asking for the next only when needed', async () => {
    const { client, seen } = clientWith([
      json(200, { items: [USER], nextCursor: 'ann' }),
      json(200, { items: [{ ...USER, uid: 'bob' }], nextCursor: null }),
    ]);
    const uids: string[] = [];
    for await (const user of client.users.all()) uids.push(user.uid);
    expect(uids).toEqual(['ann', 'bob']);
    expect(seen.map((r) => r.url)).toEqual(['http://parley.test/v1/users?limit=100', 'http://parley.test/v1/users?limit=100&cursor=ann']);
  });
});
