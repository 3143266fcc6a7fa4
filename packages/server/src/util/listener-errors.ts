import type { ListenerErrorReporter } from '@parley/protocol';
import type { Logger } from './logger.ts';

/** Sends an emitter's failing listeners to the server's log (TypedEmitter's reporter). */
export function reportTo(log: Logger): ListenerErrorReporter {
  return (event, err) => log.error({ err, event }, 'event listener failed');
}
