/**
 * A stop made of steps, run one after another, each given at most `boundMs`:
 * a step still running then is named in the log and left behind, and the next
 * one starts; a step that fails is logged and the rest still run. One part
 * that never finishes (a socket nobody ends, a peer that never answers) cannot
 * hold the whole stop, so a SIGTERM'd server exits in bounded time (main.ts
 * exits once `close` resolves, taking what was left behind with it).
 */
import type { Logger } from './logger.ts';

export type StopStep = readonly [name: string, run: () => unknown];

export async function stopInSteps(steps: readonly StopStep[], boundMs: number, log: Logger): Promise<void> {
  for (const [name, run] of steps) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const overran = new Promise<'overran'>((resolve) => {
      timer = setTimeout(() => resolve('overran'), boundMs);
    });
    const finished = Promise.resolve()
      .then(run)
      .then(
        () => 'done' as const,
        (error: unknown) => {
          log.warn({ err: error, step: name }, 'a step of the stop failed: the next one runs');
          return 'failed' as const;
        },
      );
    const outcome = await Promise.race([finished, overran]);
    clearTimeout(timer);
    if (outcome === 'overran') log.warn({ step: name, boundMs }, 'a step of the stop did not finish in time: left behind');
    else log.debug({ step: name, ms: Date.now() - started }, 'a step of the stop done');
  }
}
