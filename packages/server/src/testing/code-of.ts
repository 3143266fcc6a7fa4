import { isParleyError } from '@parley/protocol';

/** The ParleyError code a promise rejects with; throws if it resolves or fails some other way. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isParleyError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a ParleyError, but it succeeded');
}
