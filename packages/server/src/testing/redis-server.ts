/**
 * A throwaway redis-server for tests (Debian's `redis-server`; scripts/setup.sh
 * installs it for the tests): on a free loopback port, nothing saved to disk,
 * dying with the test process even on SIGKILL (`setpriv --pdeathsig`), stopped
 * by `stop()`. The counterpart of scripts/throwaway-postgres.sh.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { findExecutable } from '../util/supervised-process.ts';
import { freePort } from './server-process.ts';

const START_TIMEOUT_MS = 10_000;

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
  /** Freezes it (SIGSTOP: a hung Redis, or a network that went silent) or lets it go on (SIGCONT). */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
}

/** Starts one; `port` to restart one where it was (else a free port). */
export async function startTestRedis(port?: number): Promise<TestRedis> {
  const redisServer = await findExecutable('redis-server');
  if (!redisServer) throw new Error('redis-server is not installed: `bash scripts/setup.sh test` installs it (Debian package redis-server)');
  const setpriv = await findExecutable('setpriv');
  // A port another process took between the probe and the start: try another.
  for (let attempt = 1; ; attempt++) {
    const listenOn = port ?? (await freePort());
    const args = ['--port', String(listenOn), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''];
    const child = setpriv ? spawn(setpriv, ['--pdeathsig', 'KILL', '--', redisServer, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(redisServer, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await ready(child);
      return running(child, listenOn);
    } catch (error) {
      child.kill('SIGKILL');
      if (port !== undefined || attempt >= 3) throw error;
    }
  }
}

function ready(child: ChildProcess): Promise<void> {
  let out = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`redis-server did not start:\n${out}`)), START_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.resume();
        ok();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`redis-server exited ${code}:\n${out}`));
    });
  });
}

function running(child: ChildProcess, port: number): TestRedis {
  const exited = new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    signal: (signal) => void child.kill(signal),
    stop() {
      stopping ??= (async () => {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
