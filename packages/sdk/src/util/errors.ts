/** Turning whatever went wrong into a ParleyError, and guarding arguments. */
import { ParleyError } from '@parley/protocol';

export function guardBoolean(method: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new ParleyError('VALIDATION_FAILED', `${method} expects a boolean`);
}

export function asParleyError(error: unknown, fallback: 'INTERNAL_ERROR' | 'MEDIA_ERROR' = 'INTERNAL_ERROR'): ParleyError {
  if (error instanceof ParleyError) return error;
  return new ParleyError(fallback, error instanceof Error ? error.message : String(error), { cause: error });
}
