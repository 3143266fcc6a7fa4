/**
 * The browser SDK as packages/sdk/build.mjs builds it (dist/browser: parley.js,
 * its chunks, source maps), served twice:
 *   /sdk/v<version>/…  cached for a year, immutable: the version names the file
 *   /sdk/…             cached for 5 minutes (defaults.ts), so pages that load the
 *                      unversioned URL get a new release soon after it is deployed
 * Chunks are imported relative to parley.js, so each URL's page gets the chunks of the same build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { DEFAULTS } from '../defaults.ts';
import { SDK_PACKAGE_DIR } from '../package-paths.ts';

const SDK_BUNDLE_DIR = join(SDK_PACKAGE_DIR, 'dist', 'browser');

/** The SDK's version, from its package.json: the versioned prefix's name. */
export function sdkVersion(): string {
  return (JSON.parse(readFileSync(join(SDK_PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
}

export async function serveSdkBundle(app: FastifyInstance): Promise<void> {
  if (!existsSync(SDK_BUNDLE_DIR)) return;
  const serve = (prefix: string, maxAgeSeconds: number, immutable: boolean) =>
    app.register(fastifyStatic, { root: SDK_BUNDLE_DIR, prefix, decorateReply: false, maxAge: maxAgeSeconds * 1000, immutable });
  await serve(`/sdk/v${sdkVersion()}/`, DEFAULTS.sdkImmutableCacheSeconds, true);
  await serve('/sdk/', DEFAULTS.sdkShortCacheSeconds, false);
}
