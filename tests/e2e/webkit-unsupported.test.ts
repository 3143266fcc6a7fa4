/**
 * WebKit as far as this machine allows: WebKitGTK loads the SDK, but this
 * build has no RTCPeerConnection, so startSession must reject with
 * UNSUPPORTED_BROWSER before it opens a camera, a microphone or a socket.
 * (Safari's media path needs a machine with a WebKit that has WebRTC.)
 */
import { startTestServer, type TestServer } from '@parley/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWebKit, type WebKitPage } from './browsers/webkit.ts';

let server: TestServer;
let webkit: WebKitPage;

beforeAll(async () => {
  server = await startTestServer({ LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn' });
  webkit = await launchWebKit();
});
afterAll(async () => {
  await webkit?.close();
  await server?.close();
});

describe('startSession in a WebKit without WebRTC', () => {
  it('rejects with UNSUPPORTED_BROWSER, having opened no device and no socket', async () => {
    await webkit.goto(`${server.url}/blank.html`);
    const result = await webkit.executeAsync<{ hasPeerConnection: boolean; code: string; name: string; devicesOpened: number; socketsOpened: number }>(`
      const done = arguments[0];
      let devicesOpened = 0;
      let socketsOpened = 0;
      if (navigator.mediaDevices) {
        const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = (c) => { devicesOpened++; return open(c); };
      }
      const RealWebSocket = window.WebSocket;
      window.WebSocket = class extends RealWebSocket { constructor(...a) { socketsOpened++; super(...a); } };
      import('/sdk/parley.js').then(async (Parley) => {
        Parley.ParleyCalls.init({ serverUrl: location.origin });
        const el = document.createElement('div');
        document.body.append(el);
        try {
          await Parley.ParleyCalls.startSession('a-call-token', new Parley.CallSettingsBuilder().build(), el);
          done({ code: 'started' });
        } catch (e) {
          done({ hasPeerConnection: typeof RTCPeerConnection === 'function', code: e.code, name: e.name, devicesOpened, socketsOpened });
        }
      }, (e) => done({ code: 'sdk not loaded: ' + e }));
    `);
    expect(result).toEqual({ hasPeerConnection: false, code: 'UNSUPPORTED_BROWSER', name: 'ParleyError', devicesOpened: 0, socketsOpened: 0 });
  });
});
