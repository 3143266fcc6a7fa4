/** HTTPS with a certificate the test made, and the CORS origin list (REST, preflight, WebSocket handshake). */
import { once } from 'node:events';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { makeTestCertificate } from '../testing/test-certificate.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

const cert = makeTestCertificate();
const ca = readFileSync(cert.certFile);
const APP = 'https://app.example.com';

function get(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: init.method ?? 'GET', headers: init.headers, ca }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ PARLEY_TLS_CERT: cert.certFile, PARLEY_TLS_KEY: cert.keyFile, PARLEY_CORS_ORIGINS: APP });
});
afterAll(async () => {
  await server?.close();
  cert.remove();
});

describe('a server with PARLEY_TLS_CERT and PARLEY_TLS_KEY', () => {
  it('serves HTTPS with that certificate, and pins browsers to it (HSTS)', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await get(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).status).toBe('ok');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
  });
});

describe('an app on an origin PARLEY_CORS_ORIGINS lists', () => {
  it('gets its preflight through, and CORS headers on the answer', async () => {
    const preflight = await get(`${server.url}/v1/calls/tokens`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(APP);
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/authorization/);
    const res = await get(`${server.url}/v1/users`, { headers: { origin: APP, authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
  });
});

describe('a page on an origin not on the list', () => {
  const EVIL = 'https://evil.example.net';

  it('is refused at REST, preflight included, with ORIGIN_NOT_ALLOWED', async () => {
    const res = await get(`${server.url}/v1/users`, { headers: { origin: EVIL, authorization: `Bearer ${server.apiKey}` } });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await get(`${server.url}/v1/users`, { method: 'OPTIONS', headers: { origin: EVIL, 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
  });

  it('is refused at the WebSocket handshake', async () => {
    const ws = new WebSocket(`${server.url.replace('https', 'wss')}/v1/ws`, { origin: EVIL, ca });
    ws.on('error', () => {}); // the refusal itself
    const [, response] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(403);
    ws.terminate();
  });

  it('the server’s own origin needs no listing', async () => {
    const res = await get(`${server.url}/healthz`, { headers: { origin: server.url } });
    expect(res.status).toBe(200);
  });
});
