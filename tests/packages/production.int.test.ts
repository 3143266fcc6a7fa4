/**
 * The production start, as an operator does it: a clean clone of this
 * repository's HEAD is built (`npm ci`, `npm run build`), the built tree
 * without node_modules is copied elsewhere and given production dependencies
 * only (`npm ci --omit=dev`: no tsx, esbuild or test tools), and
 * `node packages/server/dist/main.js` starts there, with its own Janus, and
 * serves a call: two users join one session over the signaling socket, and the
 * versioned SDK bundle is there for their pages.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type ServerProcess, startServerProcess } from '@parley/server/testing/server-process';
import { TestSignalingClient } from '@parley/server/testing/signaling-client';
import { until } from '@parley/server/testing/until';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Asynchronous on purpose: a worker blocked for a minute in a synchronous npm misses vitest's own
// 60 s answer deadline and fails the run with "Timeout calling onTaskUpdate", every test passing.
const run = promisify(execFile);
const npm = (cwd: string, ...args: string[]) => run('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 64 * 1024 * 1024 });

let work: string;
let prod: string;
let server: ServerProcess;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'parley-prod-'));
  const clone = join(work, 'clone');
  await run('git', ['clone', '--quiet', ROOT, clone]);
  await npm(clone, 'ci');
  await npm(clone, 'run', 'build');
  prod = join(work, 'prod');
  cpSync(clone, prod, { recursive: true, filter: (path) => !/\/(node_modules|\.git)$/.test(path) });
  await npm(prod, 'ci', '--omit=dev');
  server = await startServerProcess({ HOST: '127.0.0.1', DATA_DIR: join(work, 'data'), LOG_FORMAT: 'json' }, { builtMain: 'packages/server/dist/main.js', cwd: prod });
}, 300_000);
afterAll(async () => {
  await server?.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

/** An auth token from the development login (on for a loopback HOST), then a call token for `sessionId`. */
async function callToken(uid: string, sessionId: string): Promise<string> {
  const post = (path: string, body: unknown, auth?: string) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) }, body: JSON.stringify(body) }).then((r) => r.json());
  const { authToken } = await post('/v1/dev/login', { uid, name: uid });
  return (await post('/v1/calls/tokens', { sessionId }, authToken)).token;
}

describe('the built server with production dependencies only', () => {
  it('has none of the development tools installed', () => {
    expect(existsSync(join(prod, 'packages/server/dist/main.js'))).toBe(true);
    for (const dev of ['tsx', 'esbuild', 'vitest', 'typescript', 'playwright-core']) expect(existsSync(join(prod, 'node_modules', dev)), dev).toBe(false);
  });

  it('serves a call: two users join one session, each told of the other', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ status: 'ok', media: expect.stringMatching(/^embedded janus pid \d+/) });
    const ann = await TestSignalingClient.open(server.url);
    const bob = await TestSignalingClient.open(server.url);
    try {
      const first = await ann.request('join', { token: await callToken('ann', 'prod-1'), sessionId: 'prod-1' });
      expect(first).toMatchObject({ ok: true, result: { sessionId: 'prod-1', self: { uid: 'ann' } } });
      const second = await bob.request('join', { token: await callToken('bob', 'prod-1'), sessionId: 'prod-1' });
      expect(second.ok).toBe(true);
      // Bob is told who is already there; Ann is told that Bob came.
      expect((second.result as { participants: { uid: string }[] }).participants.map((p) => p.uid)).toEqual(['ann']);
      await until(() => ann.events('participant.joined').length > 0, 'ann hears bob join');
      expect(ann.events('participant.joined')[0]).toMatchObject({ data: { participant: { uid: 'bob' } } });
    } finally {
      ann.close();
      bob.close();
    }
  });

  it('serves the SDK bundle its pages load', async () => {
    const version = (await import(join(prod, 'packages/sdk/package.json'), { with: { type: 'json' } })).default.version;
    expect((await fetch(`${server.url}/sdk/v${version}/parley.js`)).status).toBe(200);
  });
});
