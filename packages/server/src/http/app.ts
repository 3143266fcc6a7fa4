/**
 * The HTTP server: REST routes, health, OpenAPI, the SDK bundle and the demo,
 * and (when given) the signaling WebSocket. Built as fastify plugins.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { DEFAULTS } from '../defaults.ts';
import { DEMO_DIR } from '../package-paths.ts';
import type { Services } from '../services.ts';
import { callsRoutes } from './calls-routes.ts';
import { installCors } from './cors.ts';
import { answerClientError, answerFrameworkError, installErrorHandling } from './errors.ts';
import { createParleyServer, type TurnBackend } from './http-server.ts';
import { healthRoutes } from './health-routes.ts';
import { openApiDocument } from './openapi.ts';
import { serveSdkBundle } from './sdk-bundle.ts';
import { installRateLimits } from './rate-limits.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { type AnyRoute, registerRoutes } from './route.ts';
import { usersRoutes } from './users-routes.ts';

const VERSION = '0.1.0';

/** What the demo page loads: its HTML, CSS and built bundle — not its sources or package file. */
function isDemoAsset(path: string): boolean {
  return /^\/(index\.html|blank\.html|demo\.css|dist\/demo\.js(\.map)?)?$/.test(path);
}

export interface AppOptions {
  /** More REST routes (from other plugins), listed in the OpenAPI document too. */
  routes?: readonly AnyRoute[];
  /** Plugins that need the server, e.g. signaling. */
  plugins?: readonly FastifyPluginAsync[];
  /** Reports the media plane's state for /healthz. */
  mediaStatus?: () => string;
  /** Where TURN over TCP arriving on the server's port goes (http-server.ts); none: every connection is HTTP. */
  turnBackend?: () => TurnBackend | undefined;
}

export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps fastify's generics at their defaults.
    loggerInstance: services.log as FastifyBaseLogger,
    bodyLimit: DEFAULTS.bodyLimitBytes,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    serverFactory: (handler) =>
      createParleyServer(handler, { tls: services.config.network.tls, turnBackend: options.turnBackend ?? (() => undefined), log: services.log }),
  });
  installErrorHandling(app);
  await installSecurityHeaders(app, { https: services.config.network.tls !== undefined });
  await installRateLimits(app, services.config.operations.rateLimits);
  await installCors(app, services.config.network.corsOrigins);

  const routes = [...usersRoutes, ...callsRoutes, ...healthRoutes(options.mediaStatus), ...(options.routes ?? [])];
  registerRoutes(app, services, routes);

  const openapi = openApiDocument(routes, VERSION);
  app.get('/v1/openapi.json', async () => openapi);

  for (const plugin of options.plugins ?? []) await app.register(plugin);

  await serveSdkBundle(app);
  if (existsSync(DEMO_DIR)) {
    await app.register(fastifyStatic, { root: DEMO_DIR, prefix: '/', index: 'index.html', decorateReply: false, allowedPath: isDemoAsset });
  }
  return app;
}
