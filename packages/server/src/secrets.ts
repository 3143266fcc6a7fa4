/**
 * The API key and the call-token signing secret. Taken from the environment
 * when set; otherwise generated once into DATA_DIR (mode 0600) so development
 * needs no setup. The server keeps only the API key's hash in memory.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';

export interface Secrets {
  /** Checks a presented API key in constant time. */
  checkApiKey(presented: string): boolean;
  readonly tokenSecret: Uint8Array;
  /** Files created this start, so main can print where they are. */
  readonly generatedFiles: readonly string[];
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function readOrCreate(file: string, make: () => string, created: string[]): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  writeFileSync(file, `${make()}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  created.push(file);
  return readFileSync(file, 'utf8').trim();
}

export function loadSecrets(config: Config): Secrets {
  mkdirSync(config.dataDir, { recursive: true });
  const created: string[] = [];
  const apiKey =
    config.apiKey ?? readOrCreate(join(config.dataDir, 'api-key'), () => `pk_${randomBytes(24).toString('base64url')}`, created);
  const tokenSecret =
    config.tokenSecret ?? readOrCreate(join(config.dataDir, 'token-secret'), () => randomBytes(48).toString('base64url'), created);
  const apiKeyHash = sha256(apiKey);
  return {
    checkApiKey: (presented) => timingSafeEqual(sha256(presented), apiKeyHash),
    tokenSecret: new TextEncoder().encode(tokenSecret),
    generatedFiles: created,
  };
}
