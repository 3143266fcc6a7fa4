/**
 * Security headers on everything the server answers (@fastify/helmet), with a
 * content security policy the demo and the default UI run under: scripts only
 * from this origin, no inline script, connections to this origin (REST and
 * the signaling WebSocket), media from this origin and MediaStreams (blob:).
 * The default UI puts its styles in a <style> inside its shadow root, so
 * inline styles stay allowed.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** What other origins may embed: the SDK bundle (apps load it) and recording files (apps play them). */
function isCrossOriginResource(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path.startsWith('/sdk/') || /^\/v1\/recordings\/[^/]+\/file$/.test(path);
}

export async function installSecurityHeaders(app: FastifyInstance, opts: { https: boolean }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Avatars are URLs the app gives (any https host), or drawn data: URLs.
        imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
      },
    },
    // The default UI opens a Document Picture-in-Picture window, which needs an opener it can reach.
    crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
    // Over plain HTTP it means nothing, and a development machine's localhost must not be pinned to HTTPS;
    // with TLS (PARLEY_TLS_CERT) browsers keep to HTTPS for a year.
    strictTransportSecurity: opts.https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (isCrossOriginResource(request.url)) reply.header('cross-origin-resource-policy', 'cross-origin');
  });
}
