/**
 * The few logging calls the media layer makes. pino's loggers satisfy this
 * interface, so the server passes its own; tests and tools may pass nothing.
 */
export interface Logger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

const noop = (): void => {};

/** Default logger: drops everything, so logging is never a reason to crash. */
export const noopLogger: Logger = {
  info: noop,
  warn: noop,
  error: noop,
  debug: noop,
  child: () => noopLogger,
};
