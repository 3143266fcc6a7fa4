/**
 * The frame of a REST integration test file: a real server started before
 * its tests and closed after them, and after each test a check that it still
 * serves (whatever a test sent, the server keeps serving).
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type Api, api, startTestServer, type TestServer } from './test-server.ts';

export function restTestServer(overrides: Record<string, string | undefined> = {}): { http: Api; server: () => TestServer } {
  let started: TestServer | undefined;
  const server = (): TestServer => {
    if (!started) throw new Error('the server starts in beforeAll');
    return started;
  };
  // `api` reads the URL and key at each request, so it can be made before the server starts.
  const http = api({
    get url() {
      return server().url;
    },
    get apiKey() {
      return server().apiKey;
    },
  });
  beforeAll(async () => {
    started = await startTestServer(overrides);
  });
  afterAll(async () => {
    await started?.close();
  });
  afterEach(async () => {
    expect(await http.healthy()).toBe(true);
  });
  return { http, server };
}
