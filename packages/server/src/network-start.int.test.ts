/** The real entry point (main.ts) refuses bad network settings before it starts anything, naming the variable. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestCertificate } from './testing/test-certificate.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const cert = makeTestCertificate();
const other = makeTestCertificate();
afterAll(() => {
  cert.remove();
  other.remove();
});

function start(env: Record<string, string>): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: '/nonexistent/never-made', PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: run.status, stderr: run.stderr };
}

describe('starting with bad network settings', () => {
  it.each([
    [{ PARLEY_TURN_URLS: 'turn:turn.example.com:3478' }, /PARLEY_TURN_URLS: expected PARLEY_TURN_SECRET/],
    [{ PARLEY_TLS_CERT: cert.certFile, PARLEY_TLS_KEY: other.keyFile }, /PARLEY_TLS_KEY: expected the private key of the certificate/],
    [{ PARLEY_PUBLIC_IP: 'calls.example.com' }, /PARLEY_PUBLIC_IP: expected an IPv4 address/],
  ])('%o stops with EX_CONFIG and a message naming the variable', (env, message) => {
    const { status, stderr } = start(env);
    expect(stderr).toMatch(message);
    expect(status).toBe(78);
  });
});
