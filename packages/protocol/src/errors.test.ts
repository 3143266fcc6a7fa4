/** docs/errors.md lists exactly the codes of ERROR_CODES, with the same HTTP statuses. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode, isParleyError, ParleyError } from './errors.ts';

const DOC = new URL('../../../docs/errors.md', import.meta.url);

/** The rows of the first markdown table whose header has `code` and `HTTP status`. */
function documentedCodes(markdown: string): Map<string, { status: number; when: string; todo: string }> {
  const lines = markdown.split('\n');
  const header = lines.findIndex((l) => /^\|\s*code\s*\|\s*HTTP status\s*\|/i.test(l));
  if (header < 0) throw new Error('docs/errors.md has no table with the columns | code | HTTP status | …');
  const rows = new Map<string, { status: number; when: string; todo: string }>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const code = (cells[0] ?? '').replace(/`/g, '');
    if (rows.has(code)) throw new Error(`docs/errors.md lists ${code} twice`);
    rows.set(code, { status: Number(cells[1]), when: cells[2] ?? '', todo: cells[3] ?? '' });
  }
  return rows;
}

describe('docs/errors.md', () => {
  const documented = documentedCodes(readFileSync(DOC, 'utf8'));
  const codes = Object.keys(ERROR_CODES);

  it('lists every code of ERROR_CODES', () => {
    const missing = codes.filter((c) => !documented.has(c));
    expect(missing, `add a row to docs/errors.md for: ${missing.join(', ')}`).toEqual([]);
  });

  it('lists no code that ERROR_CODES lacks', () => {
    const extra = [...documented.keys()].filter((c) => !isErrorCode(c));
    expect(extra, `docs/errors.md lists codes the server does not have: ${extra.join(', ')}`).toEqual([]);
  });

  it('gives each code the HTTP status of ERROR_CODES', () => {
    const wrong = codes
      .filter((c) => documented.has(c) && documented.get(c)?.status !== ERROR_CODES[c as keyof typeof ERROR_CODES].status)
      .map((c) => `${c}: docs say ${documented.get(c)?.status}, code says ${ERROR_CODES[c as keyof typeof ERROR_CODES].status}`);
    expect(wrong).toEqual([]);
  });

  it('says when each error happens and what to do', () => {
    const thin = [...documented].filter(([, row]) => row.when.length < 10 || row.todo.length < 5).map(([code]) => code);
    expect(thin).toEqual([]);
  });
});

describe('ERROR_CODES', () => {
  it('gives every code an HTTP error status and a message', () => {
    for (const [code, { status, message }] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z_]+$/);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(message.length, code).toBeGreaterThan(0);
    }
  });
});

describe('ParleyError', () => {
  it('takes its status and default message from its code', () => {
    const e = new ParleyError('USER_NOT_FOUND');
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ name: 'ParleyError', code: 'USER_NOT_FOUND', status: 404, message: ERROR_CODES.USER_NOT_FOUND.message });
    expect(isParleyError(e)).toBe(true);
    expect(isParleyError(e, 'USER_NOT_FOUND')).toBe(true);
    expect(isParleyError(e, 'USER_EXISTS')).toBe(false);
    expect(isParleyError(new Error('x'))).toBe(false);
  });

  it('serialises to the error body, with details only when given', () => {
    expect(new ParleyError('NOT_FOUND', 'nothing here').toJSON()).toEqual({ error: { code: 'NOT_FOUND', message: 'nothing here' } });
    expect(new ParleyError('VALIDATION_FAILED', 'bad', { details: [{ path: 'body.uid' }] }).toJSON()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'bad', details: [{ path: 'body.uid' }] },
    });
  });

  it('keeps its cause', () => {
    const cause = new Error('root');
    expect(new ParleyError('INTERNAL_ERROR', undefined, { cause }).cause).toBe(cause);
  });

  it('recognises codes', () => {
    expect(isErrorCode('SESSION_FULL')).toBe(true);
    expect(isErrorCode('NOPE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});
