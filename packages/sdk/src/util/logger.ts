/**
 * The SDK's logger. The host app may replace it with `ParleyCalls.init({ logger })`;
 * the default writes to the console with a `[parley]` prefix, debug off.
 */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

const PREFIX = '[parley]';

export function consoleLogger(options: { debug?: boolean } = {}): Logger {
  return {
    debug: (message, ...details) => {
      if (options.debug) console.debug(PREFIX, message, ...details);
    },
    info: (message, ...details) => console.info(PREFIX, message, ...details),
    warn: (message, ...details) => console.warn(PREFIX, message, ...details),
    error: (message, ...details) => console.error(PREFIX, message, ...details),
  };
}

let current: Logger = consoleLogger();

export function getLogger(): Logger {
  return current;
}

export function setLogger(logger: Logger | undefined): void {
  current = logger ?? consoleLogger();
}

/** A logger that prefixes every message with a scope, e.g. `session s1:`. */
export function scoped(scope: string): Logger {
  return {
    debug: (m, ...d) => current.debug(`${scope}: ${m}`, ...d),
    info: (m, ...d) => current.info(`${scope}: ${m}`, ...d),
    warn: (m, ...d) => current.warn(`${scope}: ${m}`, ...d),
    error: (m, ...d) => current.error(`${scope}: ${m}`, ...d),
  };
}

/** Sends an emitter's failing listeners to this logger (TypedEmitter's reporter). */
export function listenerErrorsTo(log: Logger): (event: string, error: unknown) => void {
  return (event, error) => log.error(`listener for "${event}" threw`, error);
}
