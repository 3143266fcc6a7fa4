/**
 * A Janus for bench:forwarding, configured by Parley's own generator
 * (janus-config.ts, as the embedded Janus is) plus a variant's settings on
 * top, so the server can use it as a JANUS_URLS node. Two of them side by
 * side give A/B runs under the same load.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { detectMediaInterface, writeJanusConfig } from '../packages/server/src/media/janus-config.ts';
import { requireJanusLibDir } from '../packages/server/src/media/janus-lib-dir.ts';
import { freeTcpPort, freeUdpPortRange } from '../packages/server/src/media/free-ports.ts';
import { type JcfgSettings, withSettings } from './forwarding-math.ts';

export interface BenchJanus {
  readonly url: string;
  readonly pid: number;
  /** The janus.jcfg it runs with. */
  readonly jcfg: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true)).once('error', () => done(false));
    socket.setTimeout(500, () => done(false));
  });

/** Starts Janus with the generated config and `settings` over it; resolves once its WebSocket API listens. */
export async function startBenchJanus(adminKey: string, settings: JcfgSettings = {}): Promise<BenchJanus> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-janus-'));
  const wsPort = await freeTcpPort();
  await writeJanusConfig({
    dir,
    wsPort,
    rtpPortRange: await freeUdpPortRange(200),
    mediaInterface: detectMediaInterface(process.env.PARLEY_MEDIA_INTERFACE),
    adminKey,
    libDir: requireJanusLibDir(process.env.PARLEY_JANUS_LIB_DIR),
  });
  const file = join(dir, 'janus.jcfg');
  const jcfg = withSettings(await readFile(file, 'utf8'), settings);
  await writeFile(file, jcfg, { mode: 0o600 });
  // setpriv: Janus dies with this process even if it is killed (as janus-process.ts does for the server).
  const child: ChildProcess = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'janus', '-F', dir, '-o'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (d: Buffer) => {
    errors = (errors + d.toString()).slice(-2000);
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await listening(wsPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`bench Janus did not start: ${errors}`);
    }
    await sleep(100);
  }
  return { url: `ws://127.0.0.1:${wsPort}`, pid: child.pid as number, jcfg, stop };
}
