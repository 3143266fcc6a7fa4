/**
 * The server as a child process gets SIGTERM: /readyz turns 503 at once and a
 * call in progress goes on (and is told `server.draining`) until the drain
 * window passes; then the process exits by itself, handing the call over to
 * the next start. A second SIGTERM stops it at once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../testing/server-process.ts';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { signCallToken } from '../tokens/call-token.ts';
import { until } from '../testing/until.ts';

const API_KEY = 'sigterm-test-api-key-0123456789abcdef';
let dataDir: string;
let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(drainSeconds: number): Promise<ServerProcess> {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-sigterm-'));
  server = await startServerProcess({ DATA_DIR: dataDir, PARLEY_API_KEY: API_KEY, PARLEY_DRAIN_SECONDS: String(drainSeconds), PORT: '0' });
  return server;
}

/** Someone in a call, with a call token signed by the secret the server generated into its data dir. */
async function inACall(s: ServerProcess, uid: string, sessionId: string): Promise<TestSignalingClient> {
  const secret = new TextEncoder().encode(readFileSync(join(dataDir, 'token-secret'), 'utf8').trim());
  const { token } = await signCallToken(secret, 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(s.url);
  const res = await client.request('join', { token, sessionId });
  if (!res.ok) throw new Error(JSON.stringify(res.error));
  return client;
}

const readyz = (s: ServerProcess) => fetch(`${s.url}/readyz`).then((r) => r.status);

describe('SIGTERM', () => {
  it('drains: not ready at once, the call goes on for the drain window, then the process exits', async () => {
    const s = await start(3);
    const a = await inACall(s, 'term-a', 'term-1');
    expect(await readyz(s)).toBe(200);
    const sentAt = Date.now();
    s.proc.kill('SIGTERM');
    // Within a moment of the signal (a loaded machine may take longer than 200 ms to deliver and handle it), well inside the 3 s window.
    await expect.poll(() => readyz(s), { timeout: 2_000 }).toBe(503);
    await until(() => a.events('server.draining').length === 1, 'told the server drains', 2_000);
    expect(a.events('session.ended')).toEqual([]);
    await new Promise<void>((done) => s.proc.once('exit', () => done()));
    const tookMs = Date.now() - sentAt;
    expect(tookMs).toBeGreaterThanOrEqual(2_500);
    // Handed over, not ended: the next start carries the call on (server-restart.int.test.ts).
    expect(a.events('session.ended')).toEqual([]);
    a.close();
  });

  it('stops at once on a second SIGTERM', async () => {
    const s = await start(60);
    const a = await inACall(s, 'term-b', 'term-2');
    s.proc.kill('SIGTERM');
    await until(() => a.events('server.draining').length === 1, 'told the server drains', 2_000);
    const sentAt = Date.now();
    await s.kill('SIGTERM');
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    a.close();
  });
});
