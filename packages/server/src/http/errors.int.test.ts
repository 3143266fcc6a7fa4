/**
 * The error shape, the requests no route can serve, and the OpenAPI document.
 * After every bad request the server keeps serving.
 */
import { ERROR_CODES } from '@parley/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../testing/test-server.ts';
import { restTestServer } from '../testing/rest-test-server.ts';

const { http } = restTestServer();

describe('every error', () => {
  it('is JSON { error: { code, message } } with the status its code documents', async () => {
    const answers = await Promise.all([
      http.get('/v1/nowhere'),
      http.get('/v1/users', { auth: null }),
      http.get('/v1/users', { auth: 'wrong-key' }),
      http.post('/v1/users', { uid: 1 }),
      http.request('POST', '/v1/users', { body: '{oops' }),
      http.get('/v1/users/nobody-at-all'),
      http.post('/v1/calls/tokens', { sessionId: 'x' }, { auth: null }),
    ]);
    for (const r of answers) {
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.body).toEqual({ error: { code: expect.any(String), message: expect.any(String), ...(r.body.error.details ? { details: expect.anything() } : {}) } });
      const code = r.body.error.code as keyof typeof ERROR_CODES;
      expect(Object.keys(ERROR_CODES)).toContain(code);
      expect(r.status, code).toBe(ERROR_CODES[code].status);
    }
  });
});

describe('a request for no route', () => {
  it.each([
    ['GET', '/v1/nowhere'],
    ['GET', '/v2/users'],
    ['POST', '/v1/calls'],
    ['PUT', '/v1/users'],
    ['GET', '/v1/users/alice/auth-tokens'],
  ])('%s %s answers NOT_FOUND (404)', async (method, path) => {
    const r = await http.request(method, path);
    expect(errorOf(r)).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(r.body.error.message).toContain(path);
  });
});

describe('a request body that is not usable JSON', () => {
  it('answers INVALID_JSON (400) for broken JSON', async () => {
    for (const body of ['{', '{"uid": "a", }', 'undefined', "{'uid':'a'}"]) {
      expect(errorOf(await http.request('POST', '/v1/users', { body })), body).toEqual({ status: 400, code: 'INVALID_JSON' });
    }
  });

  it('answers VALIDATION_FAILED (400) for an empty body declared as JSON', async () => {
    const r = await http.request('POST', '/v1/users', { headers: { 'content-type': 'application/json' } });
    expect(errorOf(r)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'answers UNSUPPORTED_MEDIA_TYPE (415) for content type %s',
    async (contentType) => {
      const r = await http.request('POST', '/v1/users', { body: '{"uid":"ct","name":"x"}', headers: { 'content-type': contentType } });
      expect(errorOf(r)).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    },
  );

  it('accepts application/json with a charset', async () => {
    const r = await http.request('POST', '/v1/users', { body: '{"uid":"charset","name":"x"}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(r.status).toBe(201);
  });

  it('answers PAYLOAD_TOO_LARGE (413) for a 2 MB body, before looking at credentials', async () => {
    const big = { uid: 'big', name: 'x', metadata: { blob: 'x'.repeat(2 * 1024 * 1024) } };
    expect(errorOf(await http.post('/v1/users', big))).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(errorOf(await http.post('/v1/users', big, { auth: null }))).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(errorOf(await http.get('/v1/users/big'))).toEqual({ status: 404, code: 'USER_NOT_FOUND' });
  });

  it('takes a body just under the limit', async () => {
    const r = await http.post('/v1/users', { uid: 'near-limit', name: 'x', metadata: { blob: 'x'.repeat(900 * 1024) } });
    expect(r.status).toBe(201);
  });
});

describe('many bad requests at once', () => {
  it('leave the server serving good ones', async () => {
    const bad = Array.from({ length: 30 }, (_, i) =>
      i % 3 === 0 ? http.request('POST', '/v1/users', { body: '{' }) : i % 3 === 1 ? http.get('/v1/users', { auth: null }) : http.get(`/v1/x${i}`),
    );
    const answers = await Promise.all(bad);
    expect(answers.every((r) => r.status >= 400 && r.status < 500)).toBe(true);
    expect((await http.get('/v1/users')).status).toBe(200);
  });
});

describe('GET /healthz', () => {
  it('answers ok without credentials', async () => {
    const r = await http.get('/healthz', { auth: null });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', uptimeSeconds: expect.any(Number), media: expect.any(String) });
  });
});

describe('GET /v1/openapi.json', () => {
  const ROUTES: [string, string, number][] = [
    ['post', '/v1/users', 201],
    ['get', '/v1/users', 200],
    ['get', '/v1/users/{uid}', 200],
    ['patch', '/v1/users/{uid}', 200],
    ['delete', '/v1/users/{uid}', 204],
    ['post', '/v1/users/{uid}/auth-tokens', 201],
    ['delete', '/v1/users/{uid}/auth-tokens/{id}', 204],
    ['post', '/v1/calls/tokens', 200],
    ['post', '/v1/dev/login', 200],
  ];
  let doc: any;
  beforeAll(async () => {
    const r = await http.get('/v1/openapi.json', { auth: null });
    expect(r.status).toBe(200);
    doc = r.body;
  });

  it('is OpenAPI 3.1 with the security schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'apiKeyHeader', 'authToken']);
  });

  const operations = (): [string, string, any][] =>
    Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [method, path, op] as [string, string, unknown]),
    );

  it('lists every route of this issue', () => {
    const listed = operations().map(([m, p]) => `${m} ${p}`);
    expect(listed).toEqual(expect.arrayContaining(ROUTES.map(([m, p]) => `${m} ${p}`)));
  });

  it('lists only routes the server really serves, each with a summary, a success and an error answer', async () => {
    for (const [method, path, op] of operations()) {
      expect(op.summary, `${method} ${path}`).toEqual(expect.any(String));
      // One success; a file that answers ranges also has its 206 and 416.
      expect(Object.keys(op.responses).filter((k) => /^2\d\d$/.test(k) && k !== '206'), `${method} ${path}`).toHaveLength(1);
      expect(op.responses.default, `${method} ${path}`).toEqual({ $ref: '#/components/responses/Error' });
      const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'id' ? '00000000-0000-4000-8000-000000000000' : 'probe'));
      const r = await http.request(method.toUpperCase(), url, { auth: null });
      expect(r.body?.error?.message ?? '', `${method} ${path}`).not.toMatch(/^No route for/);
    }
  });

  it.each(ROUTES)('describes %s %s with its status, its schemas and an error answer', (method, path, status) => {
    const op = doc.paths[path][method];
    expect(op.summary).toEqual(expect.any(String));
    expect(op.responses[String(status)]).toBeDefined();
    expect(doc.components.responses.Error.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(doc.components.schemas.Error.properties.error).toBeDefined();
    if (status !== 204) expect(op.responses[String(status)].content['application/json'].schema).toMatchObject({ type: 'object' });
    for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
      expect(op.parameters).toContainEqual(expect.objectContaining({ name, in: 'path', required: true }));
    }
  });

  it('gives the request body schemas', () => {
    const body = (method: string, path: string) => doc.paths[path][method].requestBody.content['application/json'].schema;
    expect(body('post', '/v1/users')).toMatchObject({ type: 'object', required: expect.arrayContaining(['uid', 'name']), additionalProperties: false });
    expect(body('post', '/v1/calls/tokens').properties.sessionId).toMatchObject({ type: 'string', minLength: 1, maxLength: 128 });
    expect(body('post', '/v1/calls/tokens').properties.type).toMatchObject({ enum: ['direct', 'group'], default: 'group' });
    expect(body('patch', '/v1/users/{uid}').properties).toHaveProperty('name');
    expect(body('post', '/v1/dev/login').required).toEqual(expect.arrayContaining(['uid', 'name']));
  });

  it('gives the paging query of GET /v1/users', () => {
    const names = doc.paths['/v1/users'].get.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name);
    expect(names.sort()).toEqual(['cursor', 'limit']);
  });

  it('names the credentials each route needs', () => {
    expect(doc.paths['/v1/users'].post.security).toEqual([{ apiKey: [] }, { apiKeyHeader: [] }]);
    expect(doc.paths['/v1/calls/tokens'].post.security).toEqual([{ authToken: [] }]);
    expect(doc.paths['/v1/dev/login'].post.security).toEqual([]);
  });
});
