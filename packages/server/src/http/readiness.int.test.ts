/**
 * /readyz with a real Janus: ready while Janus answers, 503 `media` from the
 * moment it dies until the supervisor's restart answers again, then ready.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({}, { media: true });
});
afterAll(() => server?.close());

async function readiness(): Promise<{ status: number; body: { ready: boolean; reason?: string } }> {
  const r = await fetch(`${server.url}/readyz`);
  return { status: r.status, body: await r.json() };
}

it('answers 503 media while Janus is down and 200 once it is back', async () => {
  expect(await readiness()).toEqual({ status: 200, body: { ready: true } });
  const pid = server.media?.process?.pid as number;
  expect(pid).toBeGreaterThan(0);

  process.kill(pid, 'SIGKILL');
  // What /readyz answers, polled until it is ready again after being down.
  const seen: string[] = [];
  const giveUp = Date.now() + 20_000;
  while (!(seen.includes('503 media') && seen.at(-1) === '200') && Date.now() < giveUp) {
    const r = await readiness();
    seen.push(`${r.status}${r.body.reason ? ` ${r.body.reason}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(seen).toContain('503 media');
  expect(seen.at(-1)).toBe('200');
  expect(server.media?.process?.pid).not.toBe(pid);
});
