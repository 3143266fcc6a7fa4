/** `--since`: a time (anything Date.parse reads, e.g. 2030-01-02 or 2030-01-02T10:00Z) or an age: 90s, 30m, 12h, 7d. */
import { usageError } from './command.ts';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseSince(text: string, now: number = Date.now()): Date {
  const age = /^(\d+)([smhd])$/.exec(text.trim());
  if (age) return new Date(now - Number(age[1]) * (UNIT_MS[age[2] as string] as number));
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw usageError(`--since takes a time (2030-01-02T10:00Z) or an age (30m, 12h, 7d), not ${JSON.stringify(text)}`);
  return new Date(time);
}
