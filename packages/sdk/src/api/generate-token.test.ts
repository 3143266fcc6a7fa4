import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ParleyCalls } from './parley-calls.ts';
import { FakeMediaHandler } from '../testing/fake-media.ts';
import { rejection } from '../testing/rejection.ts';

let server: Server;
let url: string;
let handle: (req: IncomingMessage, body: string, res: ServerResponse) => void;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handle(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => ParleyCalls.reset());


describe('generateToken', () => {
  it('posts the session id with the auth token as a bearer and returns the call token', async () => {
    let seen: { method?: string; path?: string; auth?: string; body?: unknown } = {};
    handle = (req, body, res) => {
      seen = { method: req.method, path: req.url, auth: req.headers.authorization, body: JSON.parse(body) };
      json(res, 200, { token: 'jwt.abc', expiresAt: '2030-01-01T00:00:00.000Z', sessionId: 's-1' });
    };
    ParleyCalls.init({ serverUrl: `${url}/` });
    const token = await ParleyCalls.generateToken('auth-1', 's-1', { type: 'direct' });
    expect(token).toEqual({ token: 'jwt.abc', expiresAt: '2030-01-01T00:00:00.000Z', sessionId: 's-1' });
    expect(seen).toEqual({ method: 'POST', path: '/v1/calls/tokens', auth: 'Bearer auth-1', body: { sessionId: 's-1', type: 'direct' } });
  });

  it("sets the browser's WebRTC up meanwhile, with one peer connection made and closed; none with an app's own media handler", async () => {
    const made: string[] = [];
    class CountedPeerConnection {
      constructor() {
        made.push('made');
      }
      close() {
        made.push('closed');
      }
    }
    const real = globalThis.RTCPeerConnection;
    globalThis.RTCPeerConnection = CountedPeerConnection as unknown as typeof RTCPeerConnection;
    try {
      handle = (_req, _body, res) => json(res, 200, { token: 't', expiresAt: '2030-01-01T00:00:00.000Z', sessionId: 's-1' });
      ParleyCalls.init({ serverUrl: url });
      await ParleyCalls.generateToken('auth-1', 's-1');
      expect(made).toEqual(['made', 'closed']);
      ParleyCalls.reset();
      ParleyCalls.init({ serverUrl: url, mediaHandler: new FakeMediaHandler() });
      await ParleyCalls.generateToken('auth-1', 's-1');
      expect(made).toEqual(['made', 'closed']);
    } finally {
      globalThis.RTCPeerConnection = real;
    }
  });

  it("rejects with the server's error code and message", async () => {
    handle = (_req, _body, res) => json(res, 401, { error: { code: 'AUTH_TOKEN_INVALID', message: 'unknown token' } });
    ParleyCalls.init({ serverUrl: url });
    const error = await rejection(ParleyCalls.generateToken('bad', 's-1'));
    expect(error.code).toBe('AUTH_TOKEN_INVALID');
    expect(error.message).toBe('unknown token');
  });

  it.each([
    [500, 'INTERNAL_ERROR'],
    [502, 'NETWORK_ERROR'],
  ])('rejects a %i whose body carries no known code with %s', async (status, code) => {
    handle = (_req, _body, res) => {
      res.writeHead(status);
      res.end('not from parley');
    };
    ParleyCalls.init({ serverUrl: url });
    expect((await rejection(ParleyCalls.generateToken('a', 's-1'))).code).toBe(code);
  });

  it('rejects with NETWORK_ERROR when nothing listens', async () => {
    const idle = createServer();
    await new Promise<void>((resolve) => idle.listen(0, '127.0.0.1', resolve));
    const port = (idle.address() as AddressInfo).port;
    await new Promise<void>((resolve) => idle.close(() => resolve()));
    ParleyCalls.init({ serverUrl: `http://127.0.0.1:${port}` });
    expect((await rejection(ParleyCalls.generateToken('a', 's-1'))).code).toBe('NETWORK_ERROR');
  });

  it('rejects with NOT_INITIALIZED before init', async () => {
    expect((await rejection(ParleyCalls.generateToken('a', 's-1'))).code).toBe('NOT_INITIALIZED');
  });

  it('rejects bad arguments with VALIDATION_FAILED without a request', async () => {
    handle = () => {
      throw new Error('no request expected');
    };
    ParleyCalls.init({ serverUrl: url });
    expect((await rejection(ParleyCalls.generateToken('', 's-1'))).code).toBe('VALIDATION_FAILED');
    expect((await rejection(ParleyCalls.generateToken('a', 42 as never))).code).toBe('VALIDATION_FAILED');
    expect((await rejection(ParleyCalls.generateToken('a', 's', { type: 'party' as never }))).code).toBe('VALIDATION_FAILED');
  });
});
