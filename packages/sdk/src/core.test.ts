/**
 * The core bundles without the UI: an app that imports only `@parley/sdk/core`
 * and runs a session with no view (setDefaultLayout(false), no element) gets
 * nothing from ui/ in its bundle, while the served bundle still carries the
 * default UI. Built with esbuild the way build.mjs builds /sdk/parley.js.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { protocolRuntimeOnly } from '../protocol-runtime-only.mjs';

const ROOT = new URL('../../../', import.meta.url).pathname;
const UI = 'packages/sdk/src/ui/';

/** The source files esbuild put into a browser bundle of `app`, relative to the repository. */
async function bundledFiles(app: string): Promise<string[]> {
  const { metafile } = await build({
    stdin: { contents: app, resolveDir: ROOT, sourcefile: 'app.ts', loader: 'ts' },
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    plugins: [protocolRuntimeOnly],
  });
  return Object.keys(metafile.inputs);
}

const HEADLESS_APP = `
import { BrowserMediaHandler, CallSession, CallSettingsBuilder, requestCallToken } from '@parley/sdk/core';
const settings = new CallSettingsBuilder().setDefaultLayout(false).build();
const { token } = await requestCallToken(location.origin, 'auth-token', 'standup');
const session = new CallSession({ serverUrl: location.origin, token, settings, media: new BrowserMediaHandler() });
session.on('remoteStreamChanged', (uid, stream) => console.log(uid, stream));
await session.start();
`;

describe('an app that imports only @parley/sdk/core', () => {
  it('bundles the session, the media and the signaling, and nothing under ui/', async () => {
    const files = await bundledFiles(HEADLESS_APP);
    expect(files).toContain('packages/sdk/src/session/call-session.ts');
    expect(files).toContain('packages/sdk/src/media/subscriber-connection.ts');
    expect(files.filter((f) => f.startsWith(UI))).toEqual([]);
  });
});

describe('the served bundle (@parley/sdk, /sdk/parley.js)', () => {
  it('still carries the default UI, the plain layout and the ringing screens', async () => {
    const files = await bundledFiles("import * as Parley from '@parley/sdk'; globalThis.Parley = Parley;");
    expect(files).toEqual(
      expect.arrayContaining([`${UI}default/default-ui.ts`, `${UI}plain-renderer.ts`, `${UI}default/ringing-screen.ts`]),
    );
  });
});
