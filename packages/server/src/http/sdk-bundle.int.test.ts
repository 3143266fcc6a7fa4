/**
 * The SDK bundle (packages/sdk/build.mjs → dist/browser) as pages load it: the
 * versioned URL cached for good, the plain one briefly, both with source maps,
 * and the default UI's chunk where parley.js imports it from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { sdkVersion } from './sdk-bundle.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const get = (path: string) => fetch(`${server.url}${path}`);

describe('the SDK bundle', () => {
  const versioned = `/sdk/v${sdkVersion()}/`;

  it(`is served at ${'/sdk/v<version>/parley.js'} for a year, immutable, with its source map`, async () => {
    const bundle = await get(`${versioned}parley.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await bundle.text()).toContain('//# sourceMappingURL=parley.js.map');
    expect((await get(`${versioned}parley.js.map`)).status).toBe(200);
  });

  it('is served at /sdk/parley.js for five minutes, with its source map', async () => {
    const bundle = await get('/sdk/parley.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=300');
    expect((await get('/sdk/parley.js.map')).status).toBe(200);
  });

  it("loads the default UI's chunk from beside parley.js, under either prefix", async () => {
    const code = await (await get(`${versioned}parley.js`)).text();
    const chunks = [...code.matchAll(/"\.\/(chunks\/[\w-]+\.js)"/g)].map((m) => m[1]);
    expect(chunks.some((c) => c?.startsWith('chunks/default-'))).toBe(true);
    for (const chunk of chunks) {
      const versionedChunk = await get(`${versioned}${chunk}`);
      expect(versionedChunk.status, chunk).toBe(200);
      expect(versionedChunk.headers.get('cache-control')).toContain('immutable');
      expect((await get(`/sdk/${chunk}`)).status, chunk).toBe(200);
    }
  });
});
