/**
 * PARLEY_STUN_URL: the server's public address, as a STUN server sees it — for
 * a host behind 1:1 NAT (cloud VMs) that does not know its own public address.
 * Janus and coturn then announce it (nat_1_1_mapping, external-ip).
 */
import { TurnClient } from './turn-client.ts';

const DEFAULT_STUN_PORT = 3478;

/** `stun:host[:port]` → host and port. */
export function parseStunUrl(url: string): { host: string; port: number } {
  const match = /^stun:([^:\s]+)(?::(\d{1,5}))?$/.exec(url);
  if (!match?.[1]) throw new Error(`not a stun:host[:port] URL: ${url}`);
  return { host: match[1], port: match[2] ? Number(match[2]) : DEFAULT_STUN_PORT };
}

/** Asks the STUN server (over UDP, a few tries) where our packets come from; throws when it cannot tell. */
export async function discoverPublicIp(stunUrl: string, opts: { timeoutMs?: number } = {}): Promise<string> {
  const client = await TurnClient.connect({ ...parseStunUrl(stunUrl), transport: 'udp' }, { timeoutMs: opts.timeoutMs ?? 3_000 });
  try {
    const mapped = await client.binding();
    if (!mapped) throw new Error(`${stunUrl} answered without a mapped address`);
    return mapped.address;
  } finally {
    client.close();
  }
}
