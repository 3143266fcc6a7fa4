/**
 * REST rate limits (@fastify/rate-limit): creating auth tokens and call
 * tokens is limited per credential (the API key, a user's auth token) and
 * per client IP, each in a one-minute window. Over a limit the answer is 429
 * RATE_LIMITED with `Retry-After` (seconds). Installed before the routes, so
 * its route hook sees them; other routes are not limited here.
 */
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { ParleyError } from '@parley/protocol';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { RateLimits } from '../operations-config.ts';

const MINUTE = 60_000; // ms

/** The one error of every limit, REST and signaling: how long to wait is in its details (and, over HTTP, in Retry-After). */
export function rateLimited(retryAfterSeconds: number): ParleyError {
  return new ParleyError('RATE_LIMITED', `Too many requests: try again in ${retryAfterSeconds} s`, { details: { retryAfterSeconds } });
}

/** The credential a request presents, hashed (never kept as it is), or '' for none. */
function credentialOf(request: FastifyRequest): string {
  const header = request.headers['x-api-key'] ?? request.headers.authorization ?? '';
  const value = Array.isArray(header) ? header.join(',') : header;
  return value === '' ? '' : createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

export async function installRateLimits(app: FastifyInstance, limits: RateLimits): Promise<void> {
  // Its counters only (createRateLimit): both limits of a route are counted on every request,
  // which its own route hook (one limiter per request) would not do.
  await app.register(rateLimit, { global: false });
  const limited: Record<string, number> = {
    'POST /v1/users/:uid/auth-tokens': limits.authTokensPerMinute,
    'POST /v1/calls/tokens': limits.callTokensPerMinute,
  };
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const name = methods.map((m) => `${m} ${route.url}`).find((k) => k in limited);
    if (!name) return;
    // The counters share one store: their keys name the route and the limit.
    const counters = [
      app.createRateLimit({ max: limited[name] as number, timeWindow: MINUTE, keyGenerator: (r) => `${name} key ${credentialOf(r)}` }),
      app.createRateLimit({ max: limits.tokensPerIpPerMinute, timeWindow: MINUTE, keyGenerator: (r) => `${name} ip ${r.ip}` }),
    ];
    const limit: onRequestHookHandler = async (request, reply) => {
      const counts = await Promise.all(counters.map((count) => count(request)));
      const exceeded = counts.filter((c) => !c.isAllowed && c.isExceeded);
      if (exceeded.length === 0) return;
      const seconds = Math.max(1, ...exceeded.map((c) => (c.isAllowed ? 0 : c.ttlInSeconds)));
      reply.header('retry-after', String(seconds));
      throw rateLimited(seconds);
    };
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...existing, limit];
  });
}
