/**
 * The browser SDK as packages/sdk/build.mjs builds it (dist/browser: parley.js,
 * its chunks, source maps), served twice:
 *   /sdk/v<version>/…  cached for a year, immutable: the version names the file
 *   /sdk/…             cached for 5 minutes (defaults.ts), so pages that load the
 *                      unversioned URL get a new release soon after it is deployed
 * Chunks are imported relative to parley.js, so each URL's page gets the chunks of the same build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { DEFAULTS } from '../defaults.ts';

const SDK_PACKAGE = new URL('../../../sdk/', import.meta.url);
const SDK_BUNDLE_DIR = fileURLToPath(new URL('dist/browser/', SDK_PACKAGE));

/** The SDK's version, from its package.json: the versioned prefix's name. */
export function sdkVersion(): string {
  return (JSON.parse(readFileSync(new URL('package.json', SDK_PACKAGE), 'utf8')) as { version: string }).version;
}

export async function serveSdkBundle(app: FastifyInstance): Promise<void> {
  if (!existsSync(SDK_BUNDLE_DIR)) return;
  const serve = (prefix: string, maxAgeSeconds: number, immutable: boolean) =>
    app.register(fastifyStatic, { root: SDK_BUNDLE_DIR, prefix, decorateReply: false, maxAge: maxAgeSeconds * 1000, immutable });
  await serve(`/sdk/v${sdkVersion()}/`, DEFAULTS.sdkImmutableCacheSeconds, true);
  await serve('/sdk/', DEFAULTS.sdkShortCacheSeconds, false);
}
