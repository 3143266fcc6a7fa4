/**
 * Child processes of recording jobs (janus-pp-rec, ffmpeg, ffprobe). Spawned
 * through `setpriv --pdeathsig KILL` when it exists, so a killed server takes
 * its encoders with it instead of leaving them running; and through `nice`, so
 * an encoder filling the cores does not hold the server itself off them: an
 * H.264 recording's ffmpeg at the server's own priority kept its event loop
 * waiting 3.3 s (the clients took their sockets for dead) on two busy cores.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { DEFAULTS } from '../defaults.ts';

let setpriv: string | null | undefined;
function setprivPath(): string | null {
  if (setpriv === undefined) {
    try {
      setpriv = execFileSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).trim() || null;
    } catch {
      setpriv = null;
    }
  }
  return setpriv;
}

export interface RunOptions {
  onStdout?: (chunk: string) => void;
  signal?: AbortSignal;
  /** Most stderr kept for the error message. */
  stderrLimit?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`${command} exited with ${code ?? 'a signal'}: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no output'}`);
  }
}

/** Runs a command to completion; rejects with CommandError on a non-zero exit, or the abort reason. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const niced = ['nice', '-n', String(DEFAULTS.recordingJobNiceness), command, ...args];
  const wrapper = setprivPath();
  const [file, argv] = wrapper ? [wrapper, ['--pdeathsig', 'KILL', '--', ...niced]] : [niced[0]!, niced.slice(1)];
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      reject(error);
      return;
    }
    let stdout = '';
    let stderr = '';
    const limit = options.stderrLimit ?? 8_000;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (options.onStdout) options.onStdout(chunk);
      else if (stdout.length < 1_000_000) stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-limit);
    });
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) reject(options.signal.reason ?? new Error('aborted'));
      else if (code === 0) resolve({ stdout, stderr });
      else reject(new CommandError(command, code, stderr));
    });
  });
}
