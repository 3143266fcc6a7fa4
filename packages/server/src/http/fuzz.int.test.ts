/**
 * Property-based fuzzing of every REST route (fast-check): random and mutated
 * bodies, wrong types, huge strings and arrays, deep nesting, invalid UTF-8,
 * odd path parameters and queries, any credentials. Every answer is below 500,
 * every error is `{ error: { code, message } }` with a documented code and its
 * status, the server stays up and its memory does not grow with the run.
 */
import { ERROR_CODES, type ErrorCode } from '@parley/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyBytes, heapAfterGc, hostilePathSegment, nastyString, type WireBody, wireBody } from '../testing/hostile-input.ts';
import { type Api, api, startTestServer, type TestServer } from '../testing/test-server.ts';

const CASES = Number(process.env.FUZZ_REST_CASES ?? 6_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const BATCH = 25;

let server: TestServer;
let http: Api;
let authToken: string;

beforeAll(async () => {
  server = await startTestServer();
  http = api(server);
  await http.createUser('fuzz-owner', 'Owner');
  authToken = (await http.post('/v1/users/fuzz-owner/auth-tokens')).body.authToken;
});
afterAll(async () => {
  await server?.close();
});

interface Operation {
  method: string;
  /** The path with `{param}` placeholders, as the OpenAPI document lists it. */
  template: string;
  /** Valid bodies to mutate. */
  bodies: Record<string, unknown>[];
}

const VALID_BODIES: Record<string, Record<string, unknown>[]> = {
  'POST /v1/users': [{ uid: 'fuzz-a', name: 'A', metadata: { team: 'x' } }],
  'PATCH /v1/users/{uid}': [{ name: 'B' }, { metadata: { a: [1, 2] } }],
  'POST /v1/calls/tokens': [{ sessionId: 'fuzz-session', type: 'group' }],
  'POST /v1/dev/login': [{ uid: 'fuzz-dev', name: 'Dev' }],
};

interface Case {
  op: Operation;
  params: string[];
  query: Array<[string, string]>;
  auth: 'apiKey' | 'authToken' | 'none' | string;
  body: WireBody | undefined;
  contentType: string;
}

function caseOf(ops: Operation[]): fc.Arbitrary<Case> {
  const param = fc.oneof(fc.constantFrom('fuzz-owner', 'nobody', '00000000-0000-0000-0000-000000000000'), nastyString, fc.uuid());
  return fc.record({
    op: fc.constantFrom(...ops),
    params: fc.array(param, { minLength: 3, maxLength: 3 }),
    query: fc.array(fc.tuple(fc.oneof(fc.constantFrom('limit', 'cursor', 'status', 'since', 'uid', 'token'), nastyString), fc.oneof(nastyString, fc.integer().map(String))), { maxLength: 3 }),
    auth: fc.oneof(fc.constantFrom('apiKey', 'authToken', 'none'), fc.stringMatching(/^[\x21-\x7e]{0,80}$/)),
    body: fc.constant<WireBody | undefined>(undefined),
    contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
  }).chain((c) => (c.op.method === 'GET' ? fc.constant(c) : wireBody(c.op.bodies).map((body) => ({ ...c, body }))));
}

function urlOf(c: Case): string {
  let i = 0;
  const path = c.op.template.replace(/\{[^}]+\}/g, () => hostilePathSegment(c.params[i++] ?? 'x'));
  const query = c.query.map(([k, v]) => `${hostilePathSegment(k)}=${hostilePathSegment(v)}`).join('&');
  return `${server.url}${path}${query ? `?${query}` : ''}`;
}

function headersOf(c: Case): Record<string, string> {
  const headers: Record<string, string> = {};
  const credential = c.auth === 'apiKey' ? server.apiKey : c.auth === 'authToken' ? authToken : c.auth === 'none' ? undefined : c.auth;
  if (credential !== undefined) headers.authorization = `Bearer ${credential}`;
  if (c.body !== undefined) headers['content-type'] = c.contentType;
  return headers;
}

/** What is wrong with an answer, or null when it is a documented one. */
function problemWith(status: number, text: string, template: string): string | null {
  // Not ready is an answer, not an error: this test's server runs without a media node.
  if (template === '/readyz' && status === 503 && text.startsWith('{"ready":false')) return null;
  if (status >= 500) return `status ${status}: ${text.slice(0, 200)}`;
  if (status < 400) return null;
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(text);
  } catch {
    return `error body is not JSON: ${text.slice(0, 200)}`;
  }
  const code = body.error?.code;
  if (typeof code !== 'string' || !Object.hasOwn(ERROR_CODES, code)) return `undocumented error body: ${text.slice(0, 200)}`;
  if (typeof body.error?.message !== 'string') return `error without a message: ${text.slice(0, 200)}`;
  if (ERROR_CODES[code as ErrorCode].status !== status) return `${code} answered with ${status}, documented ${ERROR_CODES[code as ErrorCode].status}`;
  return null;
}

describe('every REST route under generated hostile requests', () => {
  it(`answers ${CASES} cases with documented codes only, and the server stays up with flat memory`, async () => {
    const doc = (await http.get('/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const ops: Operation[] = Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((m) => ({ method: m.toUpperCase(), template, bodies: VALID_BODIES[`${m.toUpperCase()} ${template}`] ?? [] })),
    );
    expect(ops.length).toBeGreaterThan(10);
    const arbitrary = caseOf(ops);
    const problems: string[] = [];
    const codes = new Map<string, number>();
    let heapAfterWarmup = 0;
    // Cases are made batch by batch (seed + batch number), so the run holds only the batch in flight.
    for (let i = 0; i < CASES; i += BATCH) {
      const batch = fc.sample(arbitrary, { numRuns: Math.min(BATCH, CASES - i), seed: SEED + i });
      await Promise.all(
        batch.map(async (c) => {
          const body = c.body === undefined ? undefined : bodyBytes(c.body);
          const response = await fetch(urlOf(c), { method: c.op.method, headers: headersOf(c), ...(body ? { body } : {}) });
          const text = await response.text();
          const problem = problemWith(response.status, text, c.op.template);
          if (problem) problems.push(`${c.op.method} ${c.op.template} (seed ${SEED + i}): ${problem}`);
          // Counted by error code; a success, and /readyz's documented 503 (no error code), by status.
          const code = (response.status >= 400 ? (JSON.parse(text) as { error?: { code?: string } }).error?.code : undefined) ?? String(response.status);
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }),
      );
      if (i === BATCH * 20) heapAfterWarmup = heapAfterGc();
    }
    console.log(`REST fuzz: ${CASES} cases, seed ${SEED}, answers by code: ${JSON.stringify(Object.fromEntries(codes))}`);
    // Joined into one string, so the failure's first line (all CI keeps) says what was wrong.
    expect(problems.slice(0, 10).join(' | ')).toBe('');
    expect(await http.healthy()).toBe(true);
    const growthMb = heapAfterGc() - heapAfterWarmup;
    console.log(`REST fuzz: heap grew ${growthMb.toFixed(1)} MiB after the warm-up`);
    expect(growthMb).toBeLessThan(32);
  }, 180_000);

  it('a body over the limit is refused with 413 PAYLOAD_TOO_LARGE', async () => {
    const r = await http.request('POST', '/v1/users', { body: `{"uid":"big","name":"${'x'.repeat(1_100_000)}"}` });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
