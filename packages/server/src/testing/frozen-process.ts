/** For tests that freeze a child process (a hung Janus, a paused server): SIGSTOP, and waiting until it took hold. */
import { readdirSync, readFileSync } from 'node:fs';
import { until } from './until.ts';

/**
 * Sends SIGSTOP and resolves once every thread of the process has stopped. The signal alone stops
 * nothing at once: the thread the kernel hands it to must run first to start the stop, and meanwhile
 * the other threads go on — on a loaded machine a Janus "frozen" so still answered a request sent
 * right after the signal (media/janus-room.int.test.ts, about 1 run in 12).
 */
export async function freeze(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  await until(() => threadStates(pid).every((state) => state === 'T'), `process ${pid} stopped by SIGSTOP`, 5_000);
}

/** Each thread's state letter, from /proc/<pid>/task/<tid>/stat; a thread gone meanwhile is left out. */
function threadStates(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // "tid (comm) S …": the name may hold spaces and parentheses, the state follows the last ')'.
      return [stat.charAt(stat.lastIndexOf(')') + 2)];
    } catch {
      return [];
    }
  });
}
