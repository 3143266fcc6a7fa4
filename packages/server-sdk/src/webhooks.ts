/**
 * Checking a webhook delivery before acting on it: the `Parley-Signature`
 * header (`t=<unix seconds>,v1=<hex>`) must carry an HMAC-SHA256, under the
 * endpoint's secret, of `t + "." + the raw body`, and `t` must be within
 * 5 minutes of now (an old delivery replayed is refused). Compare in
 * constant time; parse the body only once it checks.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ParleyError, type WebhookEventBody } from '@parley/protocol';

export const WEBHOOK_TOLERANCE_SECONDS = 300; // s a signature's timestamp may be from now, either way

export interface VerifyWebhookOptions {
  /** Default 300 s. */
  toleranceSeconds?: number;
  /** Unix seconds; for tests. */
  now?: number;
}

const invalid = (why: string) => new ParleyError('WEBHOOK_SIGNATURE_INVALID', `Webhook signature invalid: ${why}`);

/**
 * Returns the event when `header` signs `body` with `secret`; throws
 * WEBHOOK_SIGNATURE_INVALID otherwise. `body` must be the raw request body
 * (a string or the bytes), not JSON parsed and written again.
 */
export function verifyWebhook(
  body: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
  options: VerifyWebhookOptions = {},
): WebhookEventBody {
  if (!header) throw invalid('no Parley-Signature header');
  const parts = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const key = part.slice(0, at).trim();
    parts.set(key, [...(parts.get(key) ?? []), part.slice(at + 1).trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  const signatures = parts.get('v1') ?? [];
  if (!Number.isInteger(t) || signatures.length === 0) throw invalid('the header is not t=<unix>,v1=<hex>');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS)) throw invalid('the timestamp is outside the tolerance (a replay?)');
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  const expected = createHmac('sha256', secret).update(`${t}.${text}`).digest();
  // Several v1 values may come while a secret is being rotated: any one matching is enough.
  const matches = signatures.some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw invalid('the signature does not match the body and secret');
  try {
    return JSON.parse(text) as WebhookEventBody;
  } catch {
    throw invalid('the body is not JSON');
  }
}
