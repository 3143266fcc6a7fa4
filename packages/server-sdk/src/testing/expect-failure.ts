/** Test support: the ParleyError a promise rejects with; anything else fails the test. */
import { isParleyError, type ParleyError } from '@parley/protocol';

export async function failure(promise: Promise<unknown>): Promise<ParleyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isParleyError(error)) throw new Error(`expected a ParleyError, got ${error === undefined ? 'success' : String(error)}`);
  return error;
}
