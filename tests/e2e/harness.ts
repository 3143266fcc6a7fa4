/**
 * The e2e stack: a real server (real Janus, real database) and Debian's
 * Chromium with fake devices, driven by playwright-core — and, for the files
 * that ask for it, Debian's Firefox ESR driven by puppeteer-core (browsers/).
 * Scenarios talk to either through `Participant.tab`. Runs inside the private
 * network namespace that `npm test` makes.
 */
import { startTestServer, type TestServer } from '@parley/server/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { type BrowserName, type BrowserPage, playwrightPage } from './browsers/browser-page.ts';
import { launchFirefox, openFirefoxTab } from './browsers/firefox.ts';

export interface Stack {
  server: TestServer;
  url: string;
  browser: Browser;
  /** Firefox, launched the first time a file asks for it and closed with the stack (startStack's stacks have it). */
  firefox?(): Promise<PuppeteerBrowser>;
  close(): Promise<void>;
}

/** `E2E_SDK_DEBUG=1`: every page's SDK logs its debug lines, printed with the page's uid (to read a failure's story). */
const SDK_DEBUG = process.env.E2E_SDK_DEBUG === '1';

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

/**
 * The e2e stacks' reconnect grace (5 s, half the default): it outlasts a resume on a loaded machine, where three pages
 * encoding on two cores can hold a page's socket silent long enough for its heartbeat to resume, which must not cost
 * it its place in the call. Tests about reconnecting set their own.
 */
export const E2E_RECONNECT_GRACE_MS = '5000';

/** A stack of its own: a test server with Janus, and Chromium. */
export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const server = await startTestServer(
    { PARLEY_RECONNECT_GRACE_MS: E2E_RECONNECT_GRACE_MS, LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn', ...env },
    { media: true },
  );
  const browser = await launchChromium();
  let firefox: Promise<PuppeteerBrowser> | undefined;
  return {
    server,
    url: server.url,
    browser,
    firefox() {
      firefox ??= launchFirefox();
      return firefox;
    },
    async close() {
      await browser.close().catch(() => undefined);
      if (firefox) await (await firefox.catch(() => undefined))?.close().catch(() => undefined);
      await server.close();
    },
  };
}

/** Someone in a test: a tab of either browser with the SDK loaded, logged in as `uid`. */
export interface Participant {
  uid: string;
  authToken: string;
  tab: BrowserPage;
}

/** A Chromium participant, with Playwright's page and context for what only Playwright does (locators, screenshots). */
export interface CallPage {
  page: Page;
  context: BrowserContext;
  uid: string;
  authToken: string;
  tab?: BrowserPage;
}

/** Whom the scenario helpers below drive: a participant of either browser, or a Chromium page. */
export type Caller = Participant | CallPage;

function tabOf(call: Caller): BrowserPage {
  return call.tab ?? playwrightPage((call as CallPage).page, (call as CallPage).context);
}

/**
 * Contexts a test opened (not a beforeAll): closed after it, passed or failed (tests/e2e/setup.ts). A failed test
 * otherwise leaves its pages sending and decoding video beside the next test, or beside its own retry in CI.
 * The harness does not import vitest itself: the benches (bench/) open pages with it outside any test.
 */
const openedByTest = new Set<BrowserContext>();
let insideTest = false;

/** A test begins: the pages opened from now on are its own. */
export function testStarted(): void {
  insideTest = true;
}

export async function closeTestPages(): Promise<void> {
  insideTest = false;
  const contexts = [...openedByTest];
  openedByTest.clear();
  await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
}

/** A fresh Chromium context on the server's blank page with the SDK loaded and initialised. */
export async function openCallPage(stack: Pick<Stack, 'url' | 'browser'>, uid: string, name = uid): Promise<CallPage> {
  const context = await stack.browser.newContext({ permissions: ['camera', 'microphone'] });
  if (insideTest) openedByTest.add(context);
  await context.addInitScript(PAGE_INIT_SCRIPT);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${uid} pageerror]`, e.message));
  // The SDK's warnings (a socket taken for dead, a resume) explain a failure that shows up later as a timeout.
  page.on('console', (m) => {
    if ((m.type() === 'warning' || SDK_DEBUG) && m.text().startsWith('[parley]')) console.warn(`[${uid} ${new Date().toISOString().slice(11, 23)}]`, m.text());
  });
  const tab = playwrightPage(page, context);
  return { page, context, uid, tab, authToken: await loadSdk(stack, tab, uid, name) };
}

/** A participant in `browser`: a fresh context of its own, the SDK loaded and initialised. */
export async function openParticipant(stack: Stack, browser: BrowserName, uid: string, name = uid): Promise<Participant> {
  if (browser === 'chromium') {
    const call = await openCallPage(stack, uid, name);
    return { ...call, tab: tabOf(call) };
  }
  if (!stack.firefox) throw new Error('this stack has no Firefox (make it with startStack)');
  const tab = await openFirefoxTab(await stack.firefox(), PAGE_INIT_SCRIPT, uid);
  return { uid, tab, authToken: await loadSdk(stack, tab, uid, name) };
}

/** Opens the server's blank page, imports the SDK, inits it and logs `uid` in; returns the auth token. */
async function loadSdk(stack: Pick<Stack, 'url'>, tab: BrowserPage, uid: string, name: string): Promise<string> {
  await tab.goto(`${stack.url}/blank.html`);
  // The import() is a string so vitest does not rewrite it as test code; no inline <script>,
  // which the server's content security policy refuses, as it would an app's.
  await tab.evaluate("import('/sdk/parley.js').then((Parley) => { window.Parley = Parley; })");
  return tab.evaluate(
    async ({ uid, name, debug }: { uid: string; name: string; debug: boolean }) => {
      const { Parley } = window as any;
      Parley.ParleyCalls.init({ serverUrl: location.origin, debug });
      const r = await fetch('/v1/dev/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uid, name }) });
      const body = await r.json();
      return body.authToken as string;
    },
    { uid, name, debug: SDK_DEBUG },
  );
}

/**
 * Starts a session in the page with the SDK's public API and keeps every
 * event it emits in `window.events`, so tests can read them.
 */
export async function startCall(
  call: Caller,
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
  await tabOf(call).evaluate(
    async ({ authToken, sessionId, settings }: { authToken: string; sessionId: string; settings: NonNullable<Parameters<typeof startCall>[2]> }) => {
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
          'onScreenShareStarted',
          'onScreenShareStopped',
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
  /** When the counters were read, in ms on the page's clock (to turn two readings into a rate). */
  readAt: number;
};

/** Media counters from the page's peer connections, via getStats(). */
export function stats(call: Caller): Promise<StatsSummary> {
  return tabOf(call).evaluate(async () => {
    const s: StatsSummary = {
      videoFramesDecoded: 0,
      audioPacketsReceived: 0,
      inboundVideoStreams: 0,
      inboundAudioStreams: 0,
      outboundAudioBytes: 0,
      outboundVideoBytes: 0,
      outboundVideoTracks: 0,
      readAt: 0,
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
    s.readAt = performance.now();
    return s;
  });
}

/**
 * What each of a page's connections is doing, stream by stream (to print when
 * media did not come: which stream stopped, whether packets still arrive,
 * whether key frames were asked for), with the session's state and the roster.
 * `candidates`: every ICE candidate and pair too (what a connection that never
 * connected tried: was there a relay candidate? which pairs failed?).
 */
export async function mediaReport(call: Caller, { candidates = false } = {}): Promise<string> {
  const text = await tabOf(call).evaluate(async (withCandidates: boolean) => {
    const session = (window as any).session;
    const lines = [`${session.state}; others ${JSON.stringify(session.getParticipants().map((p: any) => p.uid))}`];
    const pcs = session.getPeerConnections() as Record<string, RTCPeerConnection | null>;
    for (const [name, pc] of Object.entries(pcs)) {
      if (!pc) continue;
      lines.push(`${name}: ${pc.connectionState}, ice ${pc.iceConnectionState}, gathering ${pc.iceGatheringState}, signaling ${pc.signalingState}, ${pc.getTransceivers().length} transceivers`);
      const report = await pc.getStats();
      const candidate = (id: string) => {
        const c = report.get(id) as any;
        return c ? `${c.candidateType}${c.relayProtocol ? `/${c.relayProtocol}` : ''} ${c.protocol} ${c.address}:${c.port}` : id;
      };
      report.forEach((r: any) => {
        if (r.type === 'inbound-rtp')
          lines.push(
            `  in ${r.kind} mid ${r.mid}: packets ${r.packetsReceived} (lost ${r.packetsLost}), frames ${r.framesReceived ?? '-'} received ${r.framesDecoded ?? '-'} decoded (${r.keyFramesDecoded ?? '-'} key), ${r.frameWidth ?? '-'}x${r.frameHeight ?? '-'}, PLI ${r.pliCount ?? '-'}, last packet ${r.lastPacketReceivedTimestamp ? `${Math.round(r.timestamp - r.lastPacketReceivedTimestamp)} ms ago` : 'never'}`,
          );
        if (r.type === 'outbound-rtp')
          lines.push(`  out ${r.kind} ${r.rid ?? ''}: ${r.packetsSent} packets, ${r.framesEncoded ?? '-'} frames encoded, ${r.frameWidth ?? '-'}x${r.frameHeight ?? '-'}, limited by ${r.qualityLimitationReason ?? '-'}`);
        if (withCandidates && r.type === 'local-candidate') lines.push(`  local ${candidate(r.id)}${r.url ? ` via ${r.url}` : ''}`);
        if (withCandidates && r.type === 'candidate-pair')
          lines.push(`  pair ${r.state}${r.nominated ? ' nominated' : ''}: ${candidate(r.localCandidateId)} → ${candidate(r.remoteCandidateId)}, requests ${r.requestsSent}/${r.responsesReceived} answered, ${r.requestsReceived} received`);
      });
    }
    return lines.join('\n');
  }, candidates);
  return `${call.uid}'s connections: ${text}`;
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

export function events(call: Caller, name?: string): Promise<{ name: string; payload: any }[]> {
  return tabOf(call).evaluate((n: string | undefined) => ((window as any).events ?? []).filter((e: { name: string }) => !n || e.name === n), name);
}
