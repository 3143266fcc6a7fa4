/**
 * A child process the server depends on, kept running: spawned through
 * `setpriv --pdeathsig KILL` so the kernel kills it when the server dies (even
 * on SIGKILL; Node spawns from its main thread, so "the thread that spawned it"
 * is the server), probed until it serves, restarted with back-off when it dies,
 * stopped with SIGTERM then SIGKILL. What it runs and how to tell it serves are
 * the caller's: JanusProcess (media/) runs Janus on it, CoturnProcess (turn/) coturn.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TypedEmitter } from '@parley/protocol';
import { reportTo } from './listener-errors.ts';
import type { Logger } from './logger.ts';

export interface SupervisedProcessOptions {
  /** Names it in logs and errors: `janus`, `coturn`. */
  name: string;
  /** The executable (found already, see findExecutable) and its arguments. */
  file: string;
  args: string[];
  /** Resolves once a freshly spawned process serves; tried every 100 ms until `startTimeoutMs`. */
  probe(): Promise<void>;
  startTimeoutMs: number;
  /** Restart back-off: first delay, doubled each failure up to max. */
  restartDelayMs: { initial: number; max: number };
  /** Output lines that deserve a warning in the log rather than debug. */
  isErrorLine(line: string): boolean;
  logger: Logger;
}

export interface SupervisedProcessEvents {
  /** It exited without being asked to; a restart is scheduled. */
  exited: [info: { pid: number | undefined; code: number | null; signal: NodeJS.Signals | null }];
  /** A restarted process serves again. */
  restarted: [info: { pid: number; attempt: number }];
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  startedAt: number;
  /** Set once the probe passed; exits before that are start failures, not crashes. */
  ready: boolean;
}

/** Keep this much of the output for error messages. */
const TAIL_LINES = 40;
/** A process that ran this long before dying restarts from the first back-off step. */
const STABLE_MS = 30_000;

/** The path of an executable: `name` itself if it has a slash, else the first match in PATH. */
export async function findExecutable(name: string): Promise<string | undefined> {
  const candidates = name.includes('/') ? [name] : (process.env.PATH ?? '').split(delimiter).map((d) => join(d, name));
  for (const file of candidates) {
    try {
      await access(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

export class SupervisedProcess extends TypedEmitter<SupervisedProcessEvents> {
  readonly #opts: SupervisedProcessOptions;
  readonly #log: Logger;
  readonly #tail: string[] = [];
  #command: { file: string; args: string[] } | undefined;
  #running: Running | undefined;
  #started = false;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #restartAttempt = 0;

  constructor(opts: SupervisedProcessOptions) {
    super(reportTo(opts.logger));
    this.#opts = opts;
    this.#log = opts.logger;
  }

  get pid(): number | undefined {
    return this.#running?.child.pid;
  }

  /** The last lines it printed, for error messages and diagnostics. */
  outputTail(): string {
    return this.#tail.join('\n');
  }

  /** Spawns it and resolves once the probe passes; rejects (leaving nothing running) if it never does. */
  async start(): Promise<void> {
    if (this.#started) throw new Error(`${this.#opts.name}: already started`);
    this.#started = true;
    const setpriv = await findExecutable('setpriv');
    if (setpriv) this.#command = { file: setpriv, args: ['--pdeathsig', 'KILL', '--', this.#opts.file, ...this.#opts.args] };
    else {
      this.#log.warn(`setpriv (util-linux) not found: ${this.#opts.name} may outlive a killed server`);
      this.#command = { file: this.#opts.file, args: this.#opts.args };
    }
    await this.#spawnReady();
  }

  /** SIGTERM, SIGKILL after 3 s; cancels restarts. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping = true;
      clearTimeout(this.#restartTimer);
      this.#restartTimer = undefined;
      const running = this.#running;
      if (running) await this.#kill(running);
      this.#running = undefined;
    })();
    return this.#stopped;
  }

  async #kill({ child, exited }: Running): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }

  async #spawnReady(): Promise<void> {
    const running = this.#spawn();
    this.#running = running;
    try {
      await this.#waitReady(running);
      running.ready = true;
    } catch (err) {
      await this.#kill(running);
      if (this.#running === running) this.#running = undefined;
      throw err;
    }
  }

  #spawn(): Running {
    if (!this.#command) throw new Error(`${this.#opts.name}: not started`);
    const child = spawn(this.#command.file, this.#command.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        this.#tail.push(line);
        if (this.#tail.length > TAIL_LINES) this.#tail.shift();
        if (this.#opts.isErrorLine(line)) this.#log.warn({ output: line }, `${this.#opts.name} error output`);
        else this.#log.debug({ output: line }, `${this.#opts.name} output`);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        this.#onExit(child, code, signal);
      });
      child.once('error', (err) => {
        this.#tail.push(`spawn failed: ${err.message}`);
        if (child.pid === undefined) resolve(); // never started: no 'exit' follows
      });
    });
    return { child, exited, startedAt: Date.now(), ready: false };
  }

  async #waitReady(running: Running): Promise<void> {
    const deadline = Date.now() + this.#opts.startTimeoutMs;
    let gone = false;
    void running.exited.then(() => {
      gone = true;
    });
    let lastError: unknown;
    while (Date.now() < deadline && !gone && !this.#stopping) {
      try {
        await this.#opts.probe();
        return;
      } catch (err) {
        lastError = err;
        await sleep(100);
      }
    }
    const why = this.#stopping ? 'stopped while starting' : gone ? 'exited while starting' : 'did not serve in time';
    const detail = String((lastError as Error | undefined)?.message ?? '');
    throw new Error(`${this.#opts.name} ${why}: ${detail}\n--- ${this.#opts.name} output ---\n${this.outputTail()}`);
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#stopping || this.#running?.child !== child || !this.#running.ready) return;
    const ranMs = Date.now() - this.#running.startedAt;
    this.#running = undefined;
    this.#log.error({ pid: child.pid, code, signal, tail: this.outputTail() }, `${this.#opts.name} exited unexpectedly`);
    this.emit('exited', { pid: child.pid, code, signal });
    if (ranMs > STABLE_MS) this.#restartAttempt = 0;
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    if (this.#stopping) return;
    const { initial, max } = this.#opts.restartDelayMs;
    const delay = Math.min(max, initial * 2 ** this.#restartAttempt);
    this.#restartAttempt++;
    const attempt = this.#restartAttempt;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      this.#spawnReady().then(
        () => {
          const pid = this.pid;
          if (this.#stopping || pid === undefined) return;
          this.#log.info({ pid, attempt }, `${this.#opts.name} restarted`);
          this.emit('restarted', { pid, attempt });
        },
        (err: unknown) => {
          if (this.#stopping) return;
          this.#log.error({ err, attempt }, `${this.#opts.name} restart failed`);
          this.#scheduleRestart();
        },
      );
    }, delay);
  }
}
