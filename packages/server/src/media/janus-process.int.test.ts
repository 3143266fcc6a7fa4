import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { JanusClient } from './janus-client.ts';
import { freeTcpPort } from './free-ports.ts';
import { JanusProcess } from './janus-process.ts';

/** Alive means present and not a zombie waiting for a reaper. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

async function infoOf(url: string) {
  const client = await JanusClient.connect(url);
  try {
    return await client.info();
  } finally {
    await client.close();
  }
}

describe('JanusProcess', () => {
  const janus = new JanusProcess({ mediaInterface: process.env.PARLEY_MEDIA_INTERFACE, restartDelayMs: { initial: 200, max: 1_000 } });
  afterAll(() => janus.stop());

  it('starts a Janus that answers info with VideoRoom and WebSockets only', async () => {
    await janus.start();
    expect(janus.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(janus.mediaAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const info = await infoOf(janus.url);
    expect(info.janus).toBe('server_info');
    expect(Object.keys(info.plugins as object)).toEqual(['janus.plugin.videoroom']);
    expect(Object.keys(info.transports as object)).toEqual(['janus.transport.websockets']);
  });

  it('restarts Janus after kill -9, at the same url', async () => {
    const first = janus.pid as number;
    const events: string[] = [];
    janus.once('exited', (e) => events.push(`exited:${e.signal}`));
    const restarted = new Promise<{ pid: number }>((resolve) => janus.once('restarted', resolve));
    process.kill(first, 'SIGKILL');
    const { pid } = await restarted;
    expect(events).toEqual(['exited:SIGKILL']);
    expect(pid).not.toBe(first);
    expect(janus.pid).toBe(pid);
    expect((await infoOf(janus.url)).janus).toBe('server_info');
  });

  it('stop() leaves no Janus behind, and is idempotent', async () => {
    const pid = janus.pid as number;
    expect(alive(pid)).toBe(true);
    await Promise.all([janus.stop(), janus.stop()]);
    expect(alive(pid)).toBe(false);
    expect(janus.pid).toBeUndefined();
    await janus.stop();
  });

  it('Janus dies with its parent, even when the parent is SIGKILLed', async () => {
    const fixture = fileURLToPath(new URL('./janus-process.fixture.ts', import.meta.url));
    // Plain node with tsx's loader: one process, no tsx wrapper in between.
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    const janusPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { pid: number }).pid);
      });
      child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    expect(alive(janusPid)).toBe(true);
    child.kill('SIGKILL');
    const gone = await waitFor(() => !alive(janusPid), 5_000);
    if (!gone) process.kill(janusPid, 'SIGKILL'); // never leave it behind, even when failing
    expect(gone).toBe(true);
  });
});

describe('JanusProcess whose WebSocket port is taken before Janus binds it', () => {
  it('starts Janus on another port', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as { port: number }).port;
    const picked: number[] = [];
    const janus = new JanusProcess({
      mediaInterface: process.env.PARLEY_MEDIA_INTERFACE,
      pickWsPort: async () => {
        const port = picked.length === 0 ? taken : await freeTcpPort();
        picked.push(port);
        return port;
      },
    });
    try {
      await janus.start();
      expect(picked).toHaveLength(2);
      expect(picked[0]).toBe(taken);
      expect(janus.url).toBe(`ws://127.0.0.1:${picked[1]}`);
      expect((await infoOf(janus.url)).janus).toBe('server_info');
    } finally {
      await janus.stop();
      squatter.close();
    }
  });
});
