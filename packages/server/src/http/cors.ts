/**
 * Which web origins may use the server: its own, and those PARLEY_CORS_ORIGINS
 * lists. Listed origins get CORS headers (@fastify/cors) for REST, the SDK
 * bundle and preflights; a browser request from any other origin is refused
 * with ORIGIN_NOT_ALLOWED before routing — which covers the signaling
 * WebSocket too, since its upgrade request is routed like any other, and
 * browsers send `Origin` on every WebSocket handshake.
 */
import cors from '@fastify/cors';
import { ParleyError } from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** True for the server's own origin: the Origin's host is the Host the request was sent to. */
function isOwnOrigin(origin: string, request: FastifyRequest): boolean {
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export async function installCors(app: FastifyInstance, allowedOrigins: readonly string[]): Promise<void> {
  const allowed = new Set(allowedOrigins);
  app.addHook('onRequest', async (request) => {
    const origin = request.headers.origin;
    // No Origin: not a cross-origin browser request (curl, a server, a same-origin GET).
    if (origin === undefined || allowed.has(origin) || isOwnOrigin(origin, request)) return;
    throw new ParleyError('ORIGIN_NOT_ALLOWED', `Requests from ${origin} are not allowed (PARLEY_CORS_ORIGINS)`);
  });
  if (allowed.size === 0) return;
  await app.register(cors, {
    origin: [...allowed],
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type'],
    exposedHeaders: ['retry-after'],
    maxAge: 600, // s a browser may cache a preflight
  });
}
