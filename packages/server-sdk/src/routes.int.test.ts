/**
 * The client's route table against the server's own `/v1/openapi.json`
 * (written from the routes the server registers): every route the client
 * calls exists with its method, path parameters, query parameters and
 * credential, and every route of the server is either called by the client
 * or left out on purpose. A renamed or removed route fails here, not in production.
 */
import { startTestServer, type TestServer } from '@parley/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Credential, ROUTES } from './routes.ts';

/** Server routes the server SDK does not call, and why. */
const LEFT_OUT: Record<string, string> = {
  'POST /v1/dev/login': 'development only: the demo page logs in with it; a backend has the API key',
  'GET /healthz': "for load balancers and monitoring, not an app's backend",
  'GET /readyz': "for load balancers and orchestrators, not an app's backend",
  // Webhook endpoints are set up once by whoever runs the server (curl, docs/operations.md); what a backend needs is verifyWebhook.
  'POST /v1/webhooks': 'set up once by the operator; a backend needs verifyWebhook',
  'GET /v1/webhooks': 'set up once by the operator; a backend needs verifyWebhook',
  'DELETE /v1/webhooks/{id}': 'set up once by the operator; a backend needs verifyWebhook',
  'POST /v1/webhooks/{id}/rotate-secret': 'set up once by the operator; a backend needs verifyWebhook',
  'GET /v1/webhooks/{id}/deliveries': 'for the operator, when a receiver misses events',
};

/** OpenAPI security schemes that carry each credential (packages/server/src/http/openapi.ts). */
const SCHEMES: Record<Credential, readonly string[]> = { apiKey: ['apiKey', 'apiKeyHeader'], authToken: ['authToken'] };

interface Operation {
  operationId: string;
  security: Array<Record<string, unknown>>;
  parameters: Array<{ name: string; in: 'path' | 'query' }>;
}

let server: TestServer;
let paths: Record<string, Record<string, Operation>>;

beforeAll(async () => {
  server = await startTestServer();
  paths = ((await (await fetch(`${server.url}/v1/openapi.json`)).json()) as { paths: typeof paths }).paths;
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

describe("the client's routes and the server's OpenAPI document", () => {
  for (const [name, route] of Object.entries(ROUTES)) {
    it(`${name}: ${route.method} ${route.path} is the server's ${name}, taking what the client sends`, () => {
      const operation = paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path} is not in /v1/openapi.json`).toBeDefined();
      // The client's method names are the document's, as a generated client's would be.
      expect(operation!.operationId).toBe(name);
      const inPath = operation!.parameters.filter((p) => p.in === 'path').map((p) => p.name);
      expect(inPath).toEqual([...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]));
      const inQuery = operation!.parameters.filter((p) => p.in === 'query').map((p) => p.name);
      expect(inQuery).toEqual(expect.arrayContaining([...route.query]));
      // An empty security list: the route checks credentials itself (the recording file takes a header or ?token=).
      const schemes = operation!.security.flatMap((s) => Object.keys(s));
      if (schemes.length > 0) expect(schemes).toEqual(expect.arrayContaining([...SCHEMES[route.credential]]));
    });
  }

  it('every server route is called by the client or left out on purpose', () => {
    const called = new Set(Object.values(ROUTES).map((r) => `${r.method} ${openApiPath(r.path)}`));
    const served = Object.entries(paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(served.filter((op) => !called.has(op) && !(op in LEFT_OUT))).toEqual([]);
    expect(Object.keys(LEFT_OUT).filter((op) => !served.includes(op))).toEqual([]);
  });
});
