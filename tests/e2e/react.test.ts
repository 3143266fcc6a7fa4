/**
 * @parley/react in a real page: a tiny React app (react-page/, bundled here
 * with esbuild as an app would bundle it) mounts `<ParleyCall>`, decodes the
 * other participant's frames and shows them in the default UI; unmounting
 * the component ends the session, and the other side hears it leave.
 */
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolRuntimeOnly } from '../../packages/sdk/protocol-runtime-only.mjs';
import { type CallPage, eventually, events, openCallPage, PAGE_INIT_SCRIPT, type Stack, startCall, startStack, stats } from './harness.ts';

let stack: Stack;
/** The React app's files by name (main.js and its chunks), served under /react-app/. */
let files: Map<string, string>;

beforeAll(async () => {
  stack = await startStack();
  const result = await build({
    entryPoints: { main: new URL('./react-page/main.ts', import.meta.url).pathname },
    outdir: '/react-app',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    plugins: [protocolRuntimeOnly],
  });
  files = new Map(result.outputFiles.map((f) => [f.path.replace('/react-app/', ''), f.text]));
});
afterAll(async () => {
  await stack?.close();
});

/**
 * A Chromium page with the React app on the server's origin: the server's own
 * blank page (a document the test fulfilled itself would count as a public
 * address, and Chromium would refuse its requests to the loopback server)
 * imports /react-app/main.js, which the test serves from the bundle.
 */
async function openReactApp(uid: string): Promise<CallPage & { page: Page }> {
  const context = await stack.browser.newContext({ permissions: ['camera', 'microphone'] });
  await context.addInitScript(PAGE_INIT_SCRIPT);
  await context.route('**/react-app/**', (route) => {
    const name = new URL(route.request().url()).pathname.replace('/react-app/', '');
    const body = files.get(name);
    return body === undefined ? route.fulfill({ status: 404 }) : route.fulfill({ contentType: 'text/javascript', body });
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${uid} pageerror]`, e.message));
  await page.goto(`${stack.url}/blank.html`);
  await page.evaluate(() => document.body.append(Object.assign(document.createElement('div'), { id: 'root' })));
  // A string, so vitest does not rewrite the import() as test code.
  await page.evaluate("import('/react-app/main.js')");
  await page.waitForFunction(() => (window as any).reactCall !== undefined);
  const authToken = await page.evaluate(async (uid: string) => {
    const r = await fetch('/v1/dev/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uid, name: uid }) });
    return ((await r.json()) as { authToken: string }).authToken;
  }, uid);
  return { page, context, uid, authToken };
}

describe('<ParleyCall> in a React app', () => {
  it('shows the other participant with frames decoded, and unmounting ends the session for the other side', async () => {
    const bob = await openCallPage(stack, 'bob');
    await startCall(bob, 'react-1');
    const alice = await openReactApp('alice');
    await alice.page.evaluate((token: string) => (window as any).reactCall.mount(token, 'react-1'), alice.authToken);

    await eventually(() => alice.page.evaluate(() => (window as any).session !== undefined || JSON.stringify((window as any).events)), (joined) => joined === true, 20_000, 'the session joined (else: its onError events)');
    const received = await eventually(() => stats(alice), (s) => s.inboundVideoStreams >= 1 && s.videoFramesDecoded > 10, 20_000, 'alice decoding bob');
    expect(received.audioPacketsReceived).toBeGreaterThan(0);
    // The default UI draws into the component's element: a tile whose video plays bob.
    await eventually(() => alice.page.locator('#root video').count(), (n) => n >= 1, 10_000, 'video tiles in the component');
    // The component's on… props hear the session's events.
    await bob.page.evaluate(() => (window as any).session.audioMuted(true));
    await eventually(() => alice.page.evaluate(() => (window as any).events), (e) => e.some((x: any) => x.name === 'onUserMuted' && x.payload === 'bob'), 10_000, 'onUserMuted from the prop');
    await eventually(() => events(bob, 'onUserJoined'), (e) => e.some((x) => x.payload.uid === 'alice'), 10_000, 'bob hears alice join');

    await alice.page.evaluate(() => (window as any).reactCall.unmount());
    const left = await eventually(() => events(bob, 'onUserLeft'), (e) => e.length === 1, 10_000, 'bob hears alice leave');
    expect(left[0]?.payload.uid).toBe('alice');
    expect(await alice.page.evaluate(() => (window as any).session.state)).toBe('ended');
    expect(await alice.page.locator('#root').innerHTML()).toBe('');
  });
});
