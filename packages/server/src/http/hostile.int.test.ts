/**
 * Requests an attacker sends, each answered with a documented error in our
 * shape (never a 5xx, never fastify's own body), and the server keeps serving.
 * These came from a run of about 5,300 generated hostile requests.
 */
import { connect } from 'node:net';
import { ERROR_CODES } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { ApiResponse } from '../testing/test-server.ts';
import { restTestServer } from '../testing/rest-test-server.ts';

const { http, server } = restTestServer();

function expectDocumentedError(r: ApiResponse<unknown>, code: keyof typeof ERROR_CODES): void {
  expect(r.body, r.text).toEqual({ error: { code, message: expect.any(String), ...((r.body as any)?.error?.details ? { details: expect.anything() } : {}) } });
  expect(r.status).toBe(ERROR_CODES[code].status);
}

/** Sends raw bytes as an HTTP request and returns the status line and the body. */
function rawRequest(bytes: Buffer): Promise<{ statusLine: string; body: string }> {
  const { hostname, port } = new URL(server().url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ statusLine: answer.split('\r\n')[0] ?? '', body: answer.slice(answer.indexOf('\r\n\r\n') + 4) }));
  });
}

describe('paths that name nothing we serve', () => {
  it.each(['/sdk/%2e%2e/%2e%2e/package.json', '/demo.js%00', '/dist/demo.js%00', '/index.html%00.js', '/v1//users', '/v1/users/%zz', `/v1/users/${'a'.repeat(300)}`])(
    'GET %s answers 404 NOT_FOUND in our shape',
    async (path) => {
      expectDocumentedError(await http.get(path), 'NOT_FOUND');
    },
  );

  it('a request line with raw non-ASCII bytes answers 400 VALIDATION_FAILED in our shape', async () => {
    const request = Buffer.concat([Buffer.from('GET /v1/users/'), Buffer.from([0xc3, 0xa9, 0xff, 0x00]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]);
    const { statusLine, body } = await rawRequest(request);
    expect(statusLine).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(body)).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String) } });
  });
});

describe('the demo', () => {
  it('serves its page, styles and built bundle, but not its sources or package file', async () => {
    for (const path of ['/', '/index.html', '/demo.css']) expect((await http.get(path, { auth: null })).status, path).toBe(200);
    for (const path of ['/src/main.ts', '/package.json', '/tsconfig.json']) expectDocumentedError(await http.get(path, { auth: null }), 'NOT_FOUND');
  });
});

describe('a webhook id with a NUL (found by the fuzz test)', () => {
  it('answers 400 VALIDATION_FAILED, not a 500 from the database', async () => {
    expectDocumentedError(await http.get('/v1/webhooks/a%00b/deliveries'), 'VALIDATION_FAILED');
  });
});

describe('a crafted call-log cursor', () => {
  const cursors = [['1', 'x'], ['0', 'x'], ['2020', 'x'], ['2000-02-30', 'x'], ['2000-02-30 10:00:00+00', 'x'], ['2026-01-01 25:00:00+00', 'x']];
  it.each(cursors)('[%s, %s] is treated as no cursor: the first page, not a 500', async (...pair) => {
    const cursor = Buffer.from(JSON.stringify(pair)).toString('base64url');
    const r = await http.get(`/v1/calls?cursor=${cursor}`);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ items: expect.any(Array), nextCursor: null });
  });
});

describe('text a database cannot hold', () => {
  it.each([
    ['a NUL in the name', '{"uid":"ev1","name":"a\\u0000b"}'],
    ['a NUL in metadata', '{"uid":"ev2","name":"ok","metadata":{"a":"x\\u0000"}}'],
    ['a NUL in a metadata key', '{"uid":"ev3","name":"ok","metadata":{"a\\u0000":1}}'],
    ['a lone surrogate in metadata', '{"uid":"ev4","name":"ok","metadata":{"a":"\\ud800"}}'],
    ['metadata nested 10,000 deep', `{"uid":"ev5","name":"ok","metadata":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`],
  ])('POST /v1/users with %s answers 400 VALIDATION_FAILED and creates nobody', async (_, body) => {
    const r = await http.request('POST', '/v1/users', { body });
    expectDocumentedError(r, 'VALIDATION_FAILED');
    const uid = JSON.parse(body.replace(/"metadata":.*$/, '"x":0}')).uid as string;
    expect((await http.get(`/v1/users/${uid}`)).status).toBe(404);
  });

  it('PATCH with a NUL in the name answers 400 and leaves the user as it was', async () => {
    await http.createUser('patched', 'Before');
    expectDocumentedError(await http.request('PATCH', '/v1/users/patched', { body: '{"name":"a\\u0000b"}' }), 'VALIDATION_FAILED');
    expect((await http.get('/v1/users/patched')).body.name).toBe('Before');
  });

  it('metadata 16 levels deep with well-formed text is stored as given', async () => {
    const deep = JSON.parse(`${'{"a":'.repeat(15)}"ok: ${'\u{1F600}'}"${'}'.repeat(15)}`);
    const r = await http.post('/v1/users', { uid: 'deep-ok', name: 'Deep', metadata: deep });
    expect(r.status, r.text).toBe(201);
    expect((await http.get('/v1/users/deep-ok')).body.metadata).toEqual(deep);
  });

  it('the dev login with a NUL name answers 400 VALIDATION_FAILED, not a missing user', async () => {
    expectDocumentedError(await http.post('/v1/dev/login', { uid: 'dev-nul', name: '\u0000' }, { auth: null }), 'VALIDATION_FAILED');
  });
});
