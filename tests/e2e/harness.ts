/**
 * The e2e stack: a real server (real Janus, real database) and Debian's
 * Chromium with fake devices, driven by playwright-core. Runs inside the
 * private network namespace that `npm test` makes.
 */
import { startTestServer, type TestServer } from '@parley/server/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export interface Stack {
  server: TestServer;
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * tsx compiles with esbuild's keepNames, which wraps functions in `__name(…)`;
 * functions passed to page.evaluate run in the page, where that helper is missing.
 */
export const PAGE_INIT_SCRIPT = `globalThis.__name = (f) => f;
globalThis.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => globalThis.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`;

/** What the page's content security policy refused so far (the server's CSP; see http/security-headers.ts). */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const server = await startTestServer(
    { PARLEY_RECONNECT_GRACE_MS: '1000', LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn', ...env },
    { media: true },
  );
  const browser = await launchChromium();
  return {
    server,
    url: server.url,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

export interface CallPage {
  page: Page;
  context: BrowserContext;
  uid: string;
  authToken: string;
}

/** A fresh browser context on the server's blank page with the SDK loaded and initialised. */
export async function openCallPage(stack: Stack, uid: string, name = uid): Promise<CallPage> {
  const context = await stack.browser.newContext({ permissions: ['camera', 'microphone'] });
  await context.addInitScript(PAGE_INIT_SCRIPT);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${uid} pageerror]`, e.message));
  await page.goto(`${stack.url}/blank.html`);
  // The import() is a string so vitest does not rewrite it as test code; no inline <script>,
  // which the server's content security policy refuses, as it would an app's.
  await page.evaluate("import('/sdk/parley.js').then((Parley) => { window.Parley = Parley; })");
  await page.waitForFunction(() => (window as any).Parley !== undefined);
  const authToken = await page.evaluate(
    async ({ uid, name }) => {
      const { Parley } = window as any;
      Parley.ParleyCalls.init({ serverUrl: location.origin });
      const r = await fetch('/v1/dev/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uid, name }) });
      const body = await r.json();
      return body.authToken as string;
    },
    { uid, name },
  );
  return { page, context, uid, authToken };
}

/**
 * Starts a session in the page with the SDK's public API and keeps every
 * event it emits in `window.events`, so tests can read them.
 */
export async function startCall(
  call: CallPage,
  sessionId: string,
  settings: {
    audioOnly?: boolean;
    type?: 'direct' | 'group';
    defaultLayout?: boolean;
    /** More CallSettingsBuilder calls, by setter name: `{ setMode: 'spotlight' }`. */
    setters?: Record<string, unknown>;
    /** The host element's size in CSS pixels (default 800×600). */
    size?: { width: number; height: number };
  } = {},
): Promise<void> {
  await call.page.evaluate(
    async ({ authToken, sessionId, settings }) => {
      const { ParleyCalls, CallSettingsBuilder } = (window as any).Parley;
      const w = window as any;
      w.events = [];
      const record = (name: string) => (payload: unknown) => w.events.push({ name, payload: JSON.parse(JSON.stringify(payload ?? null)) });
      const token = await ParleyCalls.generateToken(authToken, sessionId, { type: settings.type ?? 'group' });
      const el = document.createElement('div');
      el.id = 'call';
      el.style.cssText = `width:${settings.size?.width ?? 800}px;height:${settings.size?.height ?? 600}px`;
      document.body.append(el);
      const delegate = Object.fromEntries(
        [
          'onUserJoined',
          'onUserLeft',
          'onUserListChanged',
          'onUserMuted',
          'onCallEnded',
          'onSessionTimeout',
          'onError',
          'onAudioModeChanged',
          'onCallEndButtonPressed',
          'onRecordingToggled',
          'onCallSwitchedToVideo',
          'onCallSwitchToVideoRequested',
          'onCallSwitchToVideoDeclined',
          'onCallSwitchToVideoWithdrawn',
          'onIdleWarning',
          'onReconnecting',
          'onReconnected',
        ].map((n) => [n, record(n)]),
      );
      const builder = new CallSettingsBuilder()
        .setDefaultLayout(settings.defaultLayout ?? false)
        .setIsAudioOnly(settings.audioOnly ?? false)
        .setDelegate(delegate);
      for (const [setter, value] of Object.entries(settings.setters ?? {})) builder[setter](value);
      const callSettings = builder.build();
      w.session = await ParleyCalls.startSession(token, callSettings, el);
    },
    { authToken: call.authToken, sessionId, settings },
  );
}

export type StatsSummary = {
  videoFramesDecoded: number;
  audioPacketsReceived: number;
  inboundVideoStreams: number;
  inboundAudioStreams: number;
  outboundAudioBytes: number;
  outboundVideoBytes: number;
  outboundVideoTracks: number;
};

/** Media counters from the page's peer connections, via getStats(). */
export function stats(call: CallPage): Promise<StatsSummary> {
  return call.page.evaluate(async () => {
    const s: StatsSummary = {
      videoFramesDecoded: 0,
      audioPacketsReceived: 0,
      inboundVideoStreams: 0,
      inboundAudioStreams: 0,
      outboundAudioBytes: 0,
      outboundVideoBytes: 0,
      outboundVideoTracks: 0,
    };
    const { publisher, subscriber } = (window as any).session.getPeerConnections();
    for (const pc of [publisher, subscriber] as (RTCPeerConnection | null)[]) {
      if (!pc || pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((r: any) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') {
          s.videoFramesDecoded += r.framesDecoded ?? 0;
          if ((r.framesDecoded ?? 0) > 0) s.inboundVideoStreams++;
        }
        if (r.type === 'inbound-rtp' && r.kind === 'audio') {
          s.audioPacketsReceived += r.packetsReceived ?? 0;
          if ((r.packetsReceived ?? 0) > 0) s.inboundAudioStreams++;
        }
        if (r.type === 'outbound-rtp' && r.kind === 'audio') s.outboundAudioBytes += r.bytesSent ?? 0;
        if (r.type === 'outbound-rtp' && r.kind === 'video') s.outboundVideoBytes += r.bytesSent ?? 0;
      });
      if (pc === publisher) s.outboundVideoTracks = pc.getSenders().filter((x) => x.track?.kind === 'video').length;
    }
    return s;
  });
}

/** Polls until `check` passes or the time is up; returns the last value. */
export async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last = await read();
  while (!check(last)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

export function events(call: CallPage, name?: string): Promise<{ name: string; payload: any }[]> {
  return call.page.evaluate((n) => ((window as any).events ?? []).filter((e: { name: string }) => !n || e.name === n), name);
}
