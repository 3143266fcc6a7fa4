/**
 * The part of the configuration that is about real networks (issue 11): TLS,
 * CORS, the server's public address and TURN. config.ts merges these
 * variables into its schema; the checks that need several variables, or the
 * files a variable names, run in `checkNetworkEnv`, so every bad value still
 * stops the start with a message naming its variable.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { DEFAULTS } from './defaults.ts';

const ORIGIN = /^https?:\/\/[^/\s?#]+$/;
const list = (what: string, valid: (item: string) => boolean) =>
  z
    .string()
    .transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(valid, `${what}, comma separated`)).min(1, `${what}, comma separated`));

export const NETWORK_ENV = {
  PARLEY_TLS_CERT: z.string().min(1).optional(),
  PARLEY_TLS_KEY: z.string().min(1).optional(),
  PARLEY_CORS_ORIGINS: list('origins like https://app.example.com', (o) => ORIGIN.test(o)).optional(),
  PARLEY_PUBLIC_IP: z.string().refine((ip) => isIPv4(ip), 'an IPv4 address').optional(),
  PARLEY_STUN_URL: z.string().regex(/^stun:[^:\s]+(:\d{1,5})?$/, 'a stun:host[:port] URL').optional(),
  PARLEY_TURN: z.enum(['embedded', 'off'], { error: 'embedded or off' }).optional(),
  PARLEY_TURN_URLS: list('turn: or turns: URLs', (u) => /^turns?:[^\s]+$/.test(u)).optional(),
  PARLEY_TURN_SECRET: z.string().regex(/^[\x21-\x7e]{16,}$/, 'at least 16 printable characters, no spaces').optional(),
  PARLEY_TURN_TTL_SECONDS: z.coerce
    .number({ error: 'an integer from 60 to 604800' })
    .int('an integer from 60 to 604800')
    .min(60, 'an integer from 60 to 604800')
    .max(604_800, 'an integer from 60 to 604800')
    .default(DEFAULTS.turnCredentialTtlSeconds),
};

/** Never repeated in an error message. */
export const NETWORK_SECRET_VARIABLES = ['PARLEY_TURN_SECRET'] as const;

const NETWORK_SCHEMA = z.object(NETWORK_ENV);
type NetworkEnv = z.output<typeof NETWORK_SCHEMA> & { HOST: string };

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

/** Which TURN server browsers are given, if any. */
export type TurnSetting =
  | { mode: 'off' }
  /** A coturn this server spawns and supervises, reachable on its own port and through the server's port. */
  | { mode: 'embedded' }
  /** coturn (or another TURN REST API server) run by the operator. */
  | { mode: 'external'; urls: readonly string[]; secret: string };

export interface NetworkConfig {
  /** HTTPS and WSS on the server's port; undefined: plain HTTP (behind a TLS proxy, or on loopback). */
  readonly tls: TlsFiles | undefined;
  /** Origins besides the server's own that may use REST, the WebSocket and the SDK bundle. */
  readonly corsOrigins: readonly string[];
  /** The address Janus (and coturn) announce, for a host behind 1:1 NAT. */
  readonly publicIp: string | undefined;
  /** Where to discover `publicIp` at start when it is not given. */
  readonly stunUrl: string | undefined;
  readonly turn: TurnSetting;
  /** Lifetime of each TURN credential handed out in `join` and `resume`. */
  readonly turnCredentialTtlSeconds: number;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The files PARLEY_TLS_CERT and PARLEY_TLS_KEY name, read and checked to belong together. */
function readTls(e: NetworkEnv, ctx: z.RefinementCtx): TlsFiles | undefined {
  if (e.PARLEY_TLS_CERT === undefined && e.PARLEY_TLS_KEY === undefined) return undefined;
  const issue = (path: string, message: string) => {
    ctx.addIssue({ code: 'custom', path: [path], message });
    return undefined;
  };
  if (e.PARLEY_TLS_CERT === undefined) return issue('PARLEY_TLS_CERT', 'a PEM certificate file (PARLEY_TLS_KEY is set)');
  if (e.PARLEY_TLS_KEY === undefined) return issue('PARLEY_TLS_KEY', 'a PEM private key file (PARLEY_TLS_CERT is set)');
  let cert: Buffer;
  let key: Buffer;
  let x509: X509Certificate;
  try {
    cert = readFileSync(e.PARLEY_TLS_CERT);
    x509 = new X509Certificate(cert);
  } catch (error) {
    return issue('PARLEY_TLS_CERT', `a readable PEM certificate file (${(error as Error).message})`);
  }
  try {
    key = readFileSync(e.PARLEY_TLS_KEY);
    if (!x509.checkPrivateKey(createPrivateKey(key))) return issue('PARLEY_TLS_KEY', 'the private key of the certificate in PARLEY_TLS_CERT');
  } catch (error) {
    return issue('PARLEY_TLS_KEY', `a readable PEM private key file (${(error as Error).message})`);
  }
  return { certFile: e.PARLEY_TLS_CERT, keyFile: e.PARLEY_TLS_KEY, cert, key };
}

function turnSetting(e: NetworkEnv, ctx: z.RefinementCtx): TurnSetting {
  if (e.PARLEY_TURN_URLS !== undefined) {
    if (e.PARLEY_TURN === 'embedded') ctx.addIssue({ code: 'custom', path: ['PARLEY_TURN'], message: 'unset or off when PARLEY_TURN_URLS names an external TURN server' });
    if (e.PARLEY_TURN_SECRET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['PARLEY_TURN_URLS'], message: 'PARLEY_TURN_SECRET beside it (the shared secret of the TURN servers)' });
      return { mode: 'off' };
    }
    return { mode: 'external', urls: e.PARLEY_TURN_URLS, secret: e.PARLEY_TURN_SECRET };
  }
  // A server on loopback only talks to browsers on the same machine: no NAT to cross.
  const mode = e.PARLEY_TURN ?? (isLoopback(e.HOST) ? 'off' : 'embedded');
  return { mode };
}

/** Reads and checks the network variables; adds an issue per bad one to `ctx` (config.ts's superRefine). */
export function networkConfig(e: NetworkEnv, ctx: z.RefinementCtx): NetworkConfig {
  if (e.PARLEY_PUBLIC_IP !== undefined && e.PARLEY_STUN_URL !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['PARLEY_STUN_URL'], message: 'unset when PARLEY_PUBLIC_IP gives the address' });
  }
  return Object.freeze({
    tls: readTls(e, ctx),
    corsOrigins: Object.freeze([...(e.PARLEY_CORS_ORIGINS ?? [])]),
    publicIp: e.PARLEY_PUBLIC_IP,
    stunUrl: e.PARLEY_STUN_URL,
    turn: turnSetting(e, ctx),
    turnCredentialTtlSeconds: e.PARLEY_TURN_TTL_SECONDS,
  });
}
