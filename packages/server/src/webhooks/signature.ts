/**
 * `Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
 * Receivers check it with `verifyWebhook` (@parley/server-sdk), which also
 * refuses a timestamp more than 5 minutes away (replays).
 */
import { createHmac } from 'node:crypto';

export function signatureHeader(secret: string, body: string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}
