/**
 * A real server as a child process (`node --import tsx src/main.ts`), for the
 * tests that kill it: -9 mid-burst, mid-recording, mid-call. No wrapper
 * process stands between the test and the server, so a signal reaches it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable } from '../util/supervised-process.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const ROOT = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
const START_TIMEOUT_MS = 60_000;

export interface ServerProcess {
  readonly proc: ChildProcess;
  readonly url: string;
  /** Sends `signal` and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Which server to run: by default this workspace's sources through tsx. */
export interface ServerCommand {
  /** A built server (`packages/server/dist/main.js` of some tree), run by node alone. */
  builtMain: string;
  /** Where it runs from. */
  cwd: string;
}

/** Starts the server with `env` on top of this process's environment; resolves once it listens. */
export async function startServerProcess(env: Record<string, string>, command?: ServerCommand): Promise<ServerProcess> {
  const args = command ? [command.builtMain] : ['--import', 'tsx', MAIN];
  // setpriv execs the server (no wrapper stays) with a parent-death signal: a server still
  // starting when its test gave up dies with the test process instead of running on.
  const setpriv = await findExecutable('setpriv');
  const [file, argv] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', process.execPath, ...args]] : [process.execPath, args];
  const proc = spawn(file, argv, {
    cwd: command?.cwd ?? ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  let out = '';
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${out.slice(-2000)}`)), START_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok((m[1] as string).replace('localhost', '127.0.0.1'));
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => fail(new Error(`server exited ${code}:\n${out.slice(-2000)}`)));
  });
  // Keep draining its output so a chatty server never blocks on a full pipe.
  proc.stdout?.resume();
  proc.stderr?.resume();
  return {
    proc,
    url,
    async kill(signal) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

/**
 * A loopback port free now, for a server that must come back on the same port after a restart. It is
 * taken below the kernel's range for outgoing connections (32768–60999 by default): a port from that
 * range can be handed to some other process's connection while the server is down, and its restart
 * then fails with EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const probe = createServer();
    const free = await new Promise<boolean>((done) => probe.once('error', () => done(false)).listen(port, '127.0.0.1', () => done(true)));
    if (!free) continue;
    await new Promise((done) => probe.close(done));
    return port;
  }
}
