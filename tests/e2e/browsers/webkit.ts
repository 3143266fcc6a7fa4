/**
 * WebKitGTK (Debian's webkit2gtk-driver: WebKitWebDriver driving MiniBrowser
 * in automation mode) under a private Xvfb display, spoken to over plain
 * WebDriver HTTP with fetch: the tests need a session, a URL and scripts run
 * in the page, which is four requests — no client library, nothing
 * downloaded. This WebKitGTK build has no RTCPeerConnection, so it serves to
 * test that the SDK says so.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

export interface WebKitPage {
  goto(url: string): Promise<void>;
  /** Runs `body` (a function body; `arguments[0]` is the callback) as WebDriver's execute/async. */
  executeAsync<R>(body: string, ...args: unknown[]): Promise<R>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitUntilUp(url: string, until: number): Promise<void> {
  while (Date.now() < until) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

export async function launchWebKit(): Promise<WebKitPage> {
  const display = `:${90 + Math.floor(Math.random() * 400)}`;
  const children: ChildProcess[] = [spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' })];
  const port = await freePort();
  children.push(spawn(WEBKIT_DRIVER, [`--port=${port}`], { stdio: 'ignore', env: { ...process.env, DISPLAY: display } }));
  const stop = () => {
    for (const child of children) child.kill('SIGTERM');
  };
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilUp(`${base}/status`, Date.now() + 10_000);
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const r = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const json = (await r.json()) as { value: T & { error?: string; message?: string } };
      if (!r.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error} ${json.value?.message}`);
      return json.value;
    };
    const { sessionId } = await call<{ sessionId: string }>('POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    });
    const session = `/session/${sessionId}`;
    return {
      goto: async (url) => {
        await call('POST', `${session}/url`, { url });
      },
      executeAsync: (script, ...args) => call('POST', `${session}/execute/async`, { script, args }),
      close: async () => {
        await call('DELETE', session).catch(() => undefined);
        stop();
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}
