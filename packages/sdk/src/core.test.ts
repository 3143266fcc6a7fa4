/**
 * The core bundles without the UI: an app that imports only `@parley/sdk/core`
 * and runs a session with no view (setDefaultLayout(false), no element) gets
 * nothing from ui/ in its bundle, while the served bundle still carries the
 * default UI, in a chunk it loads only for setDefaultLayout(true). Built with
 * esbuild the way build.mjs builds /sdk/parley.js.
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

/** The served bundle's outputs (build.mjs: splitting), each with the source files esbuild put in it. */
async function servedOutputs(): Promise<Array<{ file: string; entryPoint: string | undefined; inputs: string[] }>> {
  const { metafile } = await build({
    entryPoints: { parley: `${ROOT}packages/sdk/src/index.ts` },
    absWorkingDir: ROOT,
    outdir: `${ROOT}.tmp/served`,
    bundle: true,
    splitting: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    plugins: [protocolRuntimeOnly],
  });
  return Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, out]) => ({ file, entryPoint: out.entryPoint, inputs: Object.keys(out.inputs) }));
}

describe('the served bundle (@parley/sdk, /sdk/parley.js)', () => {
  it('carries the ringing screen, and loads the default UI, the plain layout and what the ringing screen draws as chunks of their own', async () => {
    const outputs = await servedOutputs();
    const entry = outputs.find((o) => o.entryPoint === 'packages/sdk/src/index.ts')!;
    expect(entry.inputs).toContain(`${UI}default/ringing-screen.ts`);
    for (const lazy of [`${UI}default/default-ui.ts`, `${UI}plain-renderer.ts`, `${UI}default/ringing-card.ts`]) {
      expect(entry.inputs).not.toContain(lazy);
      const chunk = outputs.find((o) => o.inputs.includes(lazy));
      expect(chunk?.entryPoint, lazy).toBeDefined();
    }
  });

  it("loads the default UI's on-demand parts as chunks of their own: the dialogs, a screen share, picture-in-picture, the audio menu, dragging", async () => {
    // A call downloads each only when it shows it (ui/default/on-demand.ts, float-drag.ts; docs/benchmarks.md, "Bundle size").
    const outputs = await servedOutputs();
    const ui = outputs.find((o) => o.inputs.includes(`${UI}default/default-ui.ts`))!;
    for (const part of ['dialogs.ts', 'screen-stage.ts', 'pip.ts', 'audio-menu.ts', 'drag.ts'].map((f) => `${UI}default/${f}`)) {
      expect(ui.inputs).not.toContain(part);
      expect(outputs.find((o) => o.inputs.includes(part))?.entryPoint, part).toBeDefined();
    }
    // What they share with the UI's chunk stays there: a shared chunk would be one more file every call downloads.
    const shared = outputs.filter((o) => o.entryPoint === undefined).flatMap((o) => o.inputs);
    expect(shared.filter((f) => f.startsWith(UI) && f !== `${UI}default/dom.ts`)).toEqual([]);
  });

  it('shares with the default UI only the few modules the UI imports, not the protocol runtime', async () => {
    // Each module both reach goes into a chunk of its own, gzipped apart from parley.js: the
    // protocol's errors and kit there cost 0.45 kB gzipped (docs/benchmarks.md, "Bundle size").
    const outputs = await servedOutputs();
    const shared = outputs.filter((o) => o.entryPoint === undefined).flatMap((o) => o.inputs);
    expect(shared.filter((f) => f.startsWith('packages/protocol/'))).toEqual([]);
  });
});
