/**
 * HTTPS with a certificate the test made (openssl), and an app on another
 * origin: the SDK bundle, REST and the signaling WebSocket (WSS) all work
 * over TLS from a page served elsewhere when PARLEY_CORS_ORIGINS lists its
 * origin — a call between two such pages decodes video — and a page from an
 * origin not on the list is refused at REST and at the WebSocket.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { startTestServer, type TestServer } from '@parley/server/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificate } from '@parley/server/testing/test-certificate';
import { CHROMIUM_ARGS, eventually, PAGE_INIT_SCRIPT } from './harness.ts';

const cert = makeTestCertificate();
let server: TestServer;
let browser: Browser;
const appServers: Server[] = [];

/** A plain page on 127.0.0.1:<free port>: an app's origin, not the Parley server's. */
async function appOrigin(): Promise<string> {
  const app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title><body></body>'));
  appServers.push(app);
  app.listen(0, '127.0.0.1');
  await once(app, 'listening');
  return `http://127.0.0.1:${(app.address() as { port: number }).port}`;
}

let allowed: string;
let refused: string;

beforeAll(async () => {
  allowed = await appOrigin();
  refused = await appOrigin();
  server = await startTestServer(
    { PARLEY_TLS_CERT: cert.certFile, PARLEY_TLS_KEY: cert.keyFile, PARLEY_CORS_ORIGINS: allowed, LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn' },
    { media: true },
  );
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'] });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const app of appServers) app.close();
  cert.remove();
});

async function pageAt(origin: string): Promise<Page> {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  await context.addInitScript(PAGE_INIT_SCRIPT);
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  return page;
}

/** In the app's page: the SDK from the Parley server, a dev login, a call token, a session. */
async function startSessionFrom(page: Page, uid: string, sessionId: string): Promise<void> {
  // A string, so vitest does not rewrite the import() as test code.
  await page.evaluate(`import('${server.url}/sdk/parley.js').then((Parley) => { window.Parley = Parley; })`);
  await page.evaluate(
    async ({ serverUrl, uid, sessionId }) => {
      const w = window as any;
      const { Parley } = w;
      Parley.ParleyCalls.init({ serverUrl });
      const login = await fetch(`${serverUrl}/v1/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uid, name: uid }) });
      const { authToken } = await login.json();
      const token = await Parley.ParleyCalls.generateToken(authToken, sessionId);
      const el = document.createElement('div');
      el.style.cssText = 'width:640px;height:480px';
      document.body.append(el);
      const settings = new Parley.CallSettingsBuilder().setDefaultLayout(false).setDelegate({}).build();
      w.session = await Parley.ParleyCalls.startSession(token, settings, el);
    },
    { serverUrl: server.url, uid, sessionId },
  );
}

function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let frames = 0;
    const { subscriber } = (window as any).session.getPeerConnections();
    (await subscriber?.getStats())?.forEach((r: any) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') frames += r.framesDecoded ?? 0;
    });
    return frames;
  });
}

describe('an app on an origin PARLEY_CORS_ORIGINS lists, with the server on HTTPS', () => {
  it('loads the SDK, logs in over REST (preflights), and holds a call over WSS with video both ways', async () => {
    expect(server.url).toMatch(/^https:/);
    const ann = await pageAt(allowed);
    const ben = await pageAt(allowed);
    await startSessionFrom(ann, 'ann', 'cors-call');
    await startSessionFrom(ben, 'ben', 'cors-call');
    for (const page of [ann, ben]) await eventually(() => framesDecoded(page), (n) => n > 10, 20_000, 'frames decoded');
    expect(await ann.evaluate(() => (window as any).session.state)).toBe('joined');
  });
});

describe('a page on an origin not on the list', () => {
  it('is refused at REST and at the WebSocket', async () => {
    const page = await pageAt(refused);
    const outcome = await page.evaluate(async (serverUrl) => {
      const rest = await fetch(`${serverUrl}/healthz`).then(
        () => 'answered',
        () => 'refused',
      );
      const ws = await new Promise<string>((resolve) => {
        const socket = new WebSocket(`${serverUrl.replace('https', 'wss')}/v1/ws`);
        socket.onopen = () => resolve('open');
        socket.onerror = () => resolve('refused');
      });
      return { rest, ws };
    }, server.url);
    // The server's own answers (403 ORIGIN_NOT_ALLOWED at REST and at the handshake): http/tls-cors.int.test.ts.
    expect(outcome).toEqual({ rest: 'refused', ws: 'refused' });
  });
});
