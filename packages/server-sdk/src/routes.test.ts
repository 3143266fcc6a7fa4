import { isParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { fillPath, ROUTES } from './routes.ts';

describe('the route table', () => {
  it('fills path parameters, percent-encoded', () => {
    expect(fillPath('/v1/users/:uid/auth-tokens/:id', { uid: 'a b/c', id: 'x' })).toBe('/v1/users/a%20b%2Fc/auth-tokens/x');
  });

  it('refuses an empty parameter, which would name another route', () => {
    let error: unknown;
    try {
      fillPath('/v1/users/:uid', { uid: '' });
    } catch (e) {
      error = e;
    }
    expect(isParleyError(error, 'VALIDATION_FAILED')).toBe(true);
  });

  it('retries every read and delete, and never the two requests that create something a retry would duplicate', () => {
    const notRetried = Object.entries(ROUTES)
      .filter(([, r]) => !r.idempotent)
      .map(([name]) => name);
    expect(notRetried).toEqual(['createUser', 'createAuthToken']);
    expect(Object.values(ROUTES).filter((r) => r.method === 'GET' || r.method === 'DELETE').every((r) => r.idempotent)).toBe(true);
  });
});
