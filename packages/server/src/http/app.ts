/**
 * The HTTP server: REST routes, health, OpenAPI, the SDK bundle and the demo,
 * and (when given) the signaling WebSocket. Built as fastify plugins.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { DEFAULTS } from '../defaults.ts';
import type { Services } from '../services.ts';
import { callsRoutes } from './calls-routes.ts';
import { answerClientError, answerFrameworkError, installErrorHandling } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { type AnyRoute, registerRoutes } from './route.ts';
import { usersRoutes } from './users-routes.ts';

const VERSION = '0.1.0';
const SDK_DIST = fileURLToPath(new URL('../../../sdk/dist/', import.meta.url));
const DEMO_DIR = fileURLToPath(new URL('../../../../apps/demo/', import.meta.url));

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
}

export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps fastify's generics at their defaults.
    loggerInstance: services.log as FastifyBaseLogger,
    bodyLimit: DEFAULTS.bodyLimitBytes,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  });
  installErrorHandling(app);
  await installSecurityHeaders(app);

  const routes = [...usersRoutes, ...callsRoutes, ...(options.routes ?? [])];
  registerRoutes(app, services, routes);

  const started = Date.now();
  app.get('/healthz', async () => ({
    status: 'ok',
    uptimeSeconds: Math.round((Date.now() - started) / 1000),
    media: options.mediaStatus?.() ?? 'none',
  }));
  const openapi = openApiDocument(routes, VERSION);
  app.get('/v1/openapi.json', async () => openapi);

  for (const plugin of options.plugins ?? []) await app.register(plugin);

  if (existsSync(SDK_DIST)) {
    await app.register(fastifyStatic, { root: SDK_DIST, prefix: '/sdk/', decorateReply: false, cacheControl: false });
  }
  if (existsSync(DEMO_DIR)) {
    await app.register(fastifyStatic, { root: DEMO_DIR, prefix: '/', index: 'index.html', decorateReply: false, allowedPath: isDemoAsset });
  }
  return app;
}
