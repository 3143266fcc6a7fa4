/**
 * A throwaway self-signed certificate made with openssl, for tests of HTTPS,
 * WSS and `turns:`: valid for localhost, 127.0.0.1 and the addresses given.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** Removes the files. */
  remove(): void;
}

export function makeTestCertificate(addresses: readonly string[] = []): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const names = ['DNS:localhost', 'IP:127.0.0.1', ...addresses.map((a) => `IP:${a}`)].join(',');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=parley-test', '-addext', `subjectAltName=${names}`, '-keyout', keyFile, '-out', certFile],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
