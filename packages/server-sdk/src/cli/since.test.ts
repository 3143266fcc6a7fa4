import { describe, expect, it } from 'vitest';
import { parseSince } from './since.ts';

describe('--since', () => {
  const now = Date.parse('2030-01-02T12:00:00Z');

  it('takes an age in seconds, minutes, hours or days', () => {
    expect(parseSince('90s', now).toISOString()).toBe('2030-01-02T11:58:30.000Z');
    expect(parseSince('30m', now).toISOString()).toBe('2030-01-02T11:30:00.000Z');
    expect(parseSince('12h', now).toISOString()).toBe('2030-01-02T00:00:00.000Z');
    expect(parseSince('1d', now).toISOString()).toBe('2030-01-01T12:00:00.000Z');
  });

  it('takes a time', () => {
    expect(parseSince('2030-01-01T08:00Z', now).toISOString()).toBe('2030-01-01T08:00:00.000Z');
  });

  it('refuses anything else', () => {
    expect(() => parseSince('yesterday', now)).toThrow(/--since takes/);
    expect(() => parseSince('5w', now)).toThrow(/--since takes/);
  });
});
