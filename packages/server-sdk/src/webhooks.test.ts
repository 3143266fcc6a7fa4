import { createHmac } from 'node:crypto';
import { isParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from './webhooks.ts';

const SECRET = 'whsec_test_0123456789abcdefghijkl';
const body = JSON.stringify({ id: 'evt_1', type: 'session.started', createdAt: '2026-01-01T00:00:00.000Z', data: { session: { sessionId: 's' } } });
const NOW = 1_800_000_000;
const sign = (t: number, text: string, secret = SECRET) => `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${text}`).digest('hex')}`;

function rejection(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(isParleyError(error, 'WEBHOOK_SIGNATURE_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('verifyWebhook', () => {
  it('returns the event of a body signed with the secret, now', () => {
    expect(verifyWebhook(body, sign(NOW, body), SECRET, { now: NOW }).id).toBe('evt_1');
    expect(verifyWebhook(Buffer.from(body), sign(NOW - 290, body), SECRET, { now: NOW }).type).toBe('session.started');
  });

  it('refuses a wrong secret', () => {
    expect(rejection(() => verifyWebhook(body, sign(NOW, body, 'whsec_another_secret_0123456789'), SECRET, { now: NOW }))).toMatch(/does not match/);
  });

  it('refuses a timestamp older than 5 minutes (a replay), or as far ahead', () => {
    expect(rejection(() => verifyWebhook(body, sign(NOW - 301, body), SECRET, { now: NOW }))).toMatch(/tolerance/);
    expect(rejection(() => verifyWebhook(body, sign(NOW + 301, body), SECRET, { now: NOW }))).toMatch(/tolerance/);
  });

  it('refuses a tampered body, and a signature moved to another timestamp', () => {
    const header = sign(NOW, body);
    expect(rejection(() => verifyWebhook(body.replace('"s"', '"t"'), header, SECRET, { now: NOW }))).toMatch(/does not match/);
    expect(rejection(() => verifyWebhook(body, header.replace(`t=${NOW}`, `t=${NOW - 1}`), SECRET, { now: NOW }))).toMatch(/does not match/);
  });

  it('refuses a missing or malformed header', () => {
    expect(rejection(() => verifyWebhook(body, undefined, SECRET, { now: NOW }))).toMatch(/no Parley-Signature/);
    expect(rejection(() => verifyWebhook(body, 'v1=abc', SECRET, { now: NOW }))).toMatch(/not t=/);
    expect(rejection(() => verifyWebhook(body, `t=${NOW},v1=zz`, SECRET, { now: NOW }))).toMatch(/does not match/);
  });
});
