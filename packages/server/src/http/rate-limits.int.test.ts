/**
 * REST rate limits with a real server: a burst of call-token requests from
 * one user's credential is cut off at the limit with 429 RATE_LIMITED and
 * Retry-After, while everyone else is still answered; auth tokens per API
 * key, and both token routes per IP, likewise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../defaults.ts';
import { type Api, api, errorOf, startTestServer, type TestServer } from '../testing/test-server.ts';

describe('call tokens with the default limits', () => {
  let server: TestServer;
  let http: Api;
  beforeAll(async () => {
    server = await startTestServer();
    http = api(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a burst of 200 from one user gets 429s with Retry-After after the limit; others are still answered', async () => {
    await http.createUser('burster');
    await http.createUser('bystander');
    const burster = (await http.createAuthToken('burster')).authToken;
    const bystander = (await http.createAuthToken('bystander')).authToken;

    const burst = await Promise.all(
      Array.from({ length: 200 }, () => http.post('/v1/calls/tokens', { sessionId: 'burst', type: 'group' }, { auth: burster })),
    );
    const ok = burst.filter((r) => r.status === 200);
    const limited = burst.filter((r) => r.status === 429);
    console.log(`200 call-token requests from one user: ${ok.length} answered 200, ${limited.length} answered 429`);
    expect(ok).toHaveLength(DEFAULTS.rateLimits.callTokensPerMinute);
    expect(limited).toHaveLength(200 - DEFAULTS.rateLimits.callTokensPerMinute);
    for (const r of limited) {
      expect(errorOf(r)).toEqual({ status: 429, code: 'RATE_LIMITED' });
      const retryAfter = Number(r.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(r.body.error.details.retryAfterSeconds).toBe(retryAfter);
    }

    // The server keeps answering everyone else.
    expect((await http.post('/v1/calls/tokens', { sessionId: 'calm', type: 'group' }, { auth: bystander })).status).toBe(200);
    expect((await http.get('/v1/users/burster')).status).toBe(200);
    expect(await http.healthy()).toBe(true);
  });
});

describe('configured limits', () => {
  let server: TestServer;
  let http: Api;
  beforeAll(async () => {
    server = await startTestServer({ PARLEY_RATE_AUTH_TOKENS_PER_MINUTE: '3', PARLEY_RATE_TOKENS_PER_IP_PER_MINUTE: '5' });
    http = api(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('auth tokens: per API key', async () => {
    await http.createUser('holder');
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await http.post('/v1/users/holder/auth-tokens')).status);
    expect(answers).toEqual([201, 201, 201, 429]);
  });

  it('call tokens: per IP, whoever asks', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      // Each request with a different user's token: only the per-IP limit applies to them together.
      const { user, authToken } = (await http.post('/v1/dev/login', { uid: `ip-user-${i}`, name: 'x' }, { auth: null })).body;
      expect(user.uid).toBe(`ip-user-${i}`);
      statuses.push((await http.post('/v1/calls/tokens', { sessionId: 'ip', type: 'group' }, { auth: authToken })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
