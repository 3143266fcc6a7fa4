/** What `parley` exits with; README.md lists them for scripts. */
import { isParleyError } from '@parley/protocol';

export const EXIT = {
  ok: 0,
  /** The server refused the request (its error code is printed), or the output could not be written. */
  failed: 1,
  /** The command line is wrong: unknown command or option, a missing argument, no server URL or API key. */
  usage: 2,
  /** The server could not be reached, or did not answer in time. */
  network: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** For an error that happened while running a command (not while reading its arguments). */
export function exitCodeOf(error: unknown): ExitCode {
  return isParleyError(error) && (error.code === 'NETWORK_ERROR' || error.code === 'REQUEST_TIMEOUT') ? EXIT.network : EXIT.failed;
}
