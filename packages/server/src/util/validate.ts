import { ParleyError } from '@parley/protocol';
import type { z } from 'zod';

/** Parses a value with a schema or throws VALIDATION_FAILED naming each bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message }));
  throw new ParleyError('VALIDATION_FAILED', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { details: issues });
}
