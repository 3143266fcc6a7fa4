/** One port for HTTP(S) and TURN: the first byte of a connection (after TLS, if any) decides where it goes. */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { get as httpGet, type Server } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect, createServer, type Server as NetServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noopLogger } from '../util/logger.ts';
import { makeTestCertificate } from '../testing/test-certificate.ts';
import { createParleyServer, isTurnFirstByte } from './http-server.ts';

const cert = makeTestCertificate();
const ca = readFileSync(cert.certFile);
/** A TURN Allocate request's first bytes (type 0x0003, length 0, magic cookie, transaction id). */
const ALLOCATE = Buffer.from([0x00, 0x03, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, ...Array(12).fill(7)]);

let backend: NetServer;
let backendPort = 0;
const servers: Server[] = [];
beforeAll(async () => {
  // Stands in for coturn: answers every chunk with "turn:" and the chunk.
  backend = createServer((socket) => socket.on('data', (data) => socket.write(Buffer.concat([Buffer.from('turn:'), data]))));
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  backendPort = (backend.address() as { port: number }).port;
});
afterAll(() => {
  for (const s of servers) s.close();
  backend.close();
  cert.remove();
});

async function listen(tls: boolean): Promise<number> {
  const server = createParleyServer((_req, res) => res.end('http'), {
    tls: tls ? { cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) } : undefined,
    turnBackend: () => ({ host: '127.0.0.1', port: backendPort }),
    log: noopLogger,
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

function body(get: typeof httpGet, url: string, options: object = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, options, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
}

describe('telling TURN from HTTP by the first byte', () => {
  it('STUN message types start below 0x40, HTTP methods with a letter', () => {
    expect(isTurnFirstByte(0x00)).toBe(true);
    expect(isTurnFirstByte(0x01)).toBe(true);
    expect(isTurnFirstByte('G'.charCodeAt(0))).toBe(false);
    expect(isTurnFirstByte('P'.charCodeAt(0))).toBe(false);
  });
});

describe('a plain HTTP port with TURN behind it', () => {
  it('pipes a connection that starts with a STUN header to TURN, and serves HTTP beside it', async () => {
    const port = await listen(false);
    const socket = connect({ host: '127.0.0.1', port });
    socket.write(ALLOCATE);
    const [answer] = (await once(socket, 'data')) as [Buffer];
    expect(answer.toString('latin1', 0, 5)).toBe('turn:');
    expect(answer.subarray(5).equals(ALLOCATE)).toBe(true);
    socket.destroy();
    expect(await body(httpGet, `http://127.0.0.1:${port}/`)).toBe('http');
  });
});

describe('an HTTPS port with TURN behind it (turns: on the server’s port)', () => {
  it('ends TLS, then pipes TURN to the backend; HTTPS still works', async () => {
    const port = await listen(true);
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
    await once(socket, 'secureConnect');
    socket.write(ALLOCATE);
    const [answer] = (await once(socket, 'data')) as [Buffer];
    expect(answer.subarray(5).equals(ALLOCATE)).toBe(true);
    socket.destroy();
    expect(await body(httpsGet, `https://127.0.0.1:${port}/`, { ca })).toBe('http');
  });
});
