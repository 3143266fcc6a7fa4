/** Turning whatever went wrong into a ParleyError, and guarding arguments. */
import { type ErrorCode, ParleyError } from '@parley/protocol';

export function guardBoolean(method: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new ParleyError('VALIDATION_FAILED', `${method} expects a boolean`);
}

export function asParleyError(error: unknown, fallback: ErrorCode = 'INTERNAL_ERROR'): ParleyError {
  if (error instanceof ParleyError) return error;
  return new ParleyError(fallback, error instanceof Error ? error.message : String(error), { cause: error });
}
