import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectMediaInterface } from '../media/janus-config.ts';
import { CoturnProcess } from './coturn-process.ts';
import { TurnClient, type TurnServerAddress, type TurnTransport } from './turn-client.ts';
import { type TurnCredential, TurnCredentials } from './turn-credentials.ts';

/** Inside scripts/in-netns.sh: coturn on `pa` (10.77.0.1), the "media server" is `pb` (10.77.0.2). */
const MEDIA_INTERFACE = process.env.PARLEY_MEDIA_INTERFACE;
const MEDIA_SERVER = '10.77.0.2';

/** Alive means present and not a zombie waiting for a reaper. */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function gone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await alive(pid))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !(await alive(pid));
}

async function withClient<T>(server: TurnServerAddress, use: (client: TurnClient) => Promise<T>): Promise<T> {
  const client = await TurnClient.connect(server);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

function allocate(coturn: CoturnProcess, transport: TurnTransport, credential: TurnCredential) {
  const server = { host: coturn.address, port: coturn.port, transport };
  return withClient(server, (client) => client.allocate({ username: credential.username, password: credential.credential }));
}

describe('CoturnProcess', () => {
  const coturn = new CoturnProcess({ mediaInterface: MEDIA_INTERFACE, allowedPeers: [MEDIA_SERVER], restartDelayMs: { initial: 200, max: 1_000 } });
  let credentials: TurnCredentials;
  beforeAll(async () => {
    await coturn.start();
    credentials = new TurnCredentials({ secret: coturn.secret, lifetimeSeconds: 600 });
  });
  afterAll(() => coturn.stop());

  it('hands out a relay for a valid credential, over UDP and over TCP, on its one port', async () => {
    for (const transport of ['udp', 'tcp'] as const) {
      const result = await allocate(coturn, transport, credentials.issue('alice'));
      expect(result.ok, `${transport}: ${JSON.stringify(result)}`).toBe(true);
      if (!result.ok) continue;
      const { relayed, mapped, lifetimeSeconds } = result.value;
      expect(relayed.address).toBe(coturn.address);
      expect(relayed.port).toBeGreaterThanOrEqual(coturn.relayPortRange?.min ?? Number.NaN);
      expect(relayed.port).toBeLessThanOrEqual(coturn.relayPortRange?.max ?? Number.NaN);
      expect(mapped?.address).toBe(coturn.address); // the client runs on the same host
      expect(lifetimeSeconds).toBeGreaterThan(0);
    }
    expect(coturn.urls()).toEqual([`turn:${coturn.address}:${coturn.port}?transport=udp`, `turn:${coturn.address}:${coturn.port}?transport=tcp`]);
  });

  it('refuses a credential that has expired (401)', async () => {
    const twoMinutesAgo = new TurnCredentials({ secret: coturn.secret, lifetimeSeconds: 60, now: () => Date.now() - 120_000 });
    const expired = twoMinutesAgo.issue('alice');
    expect(expired.expiresAt.getTime()).toBeLessThan(Date.now());
    expect(await allocate(coturn, 'udp', expired)).toMatchObject({ ok: false, code: 401 });
  });

  it('refuses a credential signed with another secret (401)', async () => {
    const forged = new TurnCredentials({ secret: 'not-the-shared-secret', lifetimeSeconds: 600 }).issue('alice');
    expect(await allocate(coturn, 'udp', forged)).toMatchObject({ ok: false, code: 401 });
    expect(await allocate(coturn, 'tcp', forged)).toMatchObject({ ok: false, code: 401 });
  });

  it('relays only towards the media server: a permission for any other peer is forbidden (403)', async () => {
    const credential = credentials.issue('alice');
    await withClient({ host: coturn.address, port: coturn.port, transport: 'udp' }, async (client) => {
      expect((await client.allocate({ username: credential.username, password: credential.credential })).ok).toBe(true);
      expect(await client.createPermission(MEDIA_SERVER)).toEqual({ ok: true, value: undefined });
      expect(await client.createPermission('192.0.2.1')).toMatchObject({ ok: false, code: 403 });
      expect(await client.createPermission('127.0.0.1')).toMatchObject({ ok: false, code: 403 });
      expect(await client.release()).toEqual({ ok: true, value: undefined });
    });
  });

  it('restarts coturn after kill -9, on the same port, with the same secret', async () => {
    const first = coturn.pid as number;
    const events: string[] = [];
    coturn.once('exited', (e) => events.push(`exited:${e.signal}`));
    const restarted = new Promise<{ pid: number }>((resolve) => coturn.once('restarted', resolve));
    process.kill(first, 'SIGKILL');
    const { pid } = await restarted;
    expect(events).toEqual(['exited:SIGKILL']);
    expect(pid).not.toBe(first);
    expect((await allocate(coturn, 'udp', credentials.issue('bob'))).ok).toBe(true);
  });

  it('stop() leaves no coturn behind, and is idempotent', async () => {
    const pid = coturn.pid as number;
    expect(await alive(pid)).toBe(true);
    await Promise.all([coturn.stop(), coturn.stop()]);
    expect(await alive(pid)).toBe(false);
    expect(coturn.pid).toBeUndefined();
  });

  it('coturn dies with its parent, even when the parent is SIGKILLed', async () => {
    const fixture = fileURLToPath(new URL('./coturn-process.fixture.ts', import.meta.url));
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-coturn-fixture-'));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, DATA_DIR: dataDir },
    });
    const coturnPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { pid: number }).pid);
      });
      child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    expect(await alive(coturnPid)).toBe(true);
    child.kill('SIGKILL');
    const died = await gone(coturnPid, 5_000);
    if (!died) process.kill(coturnPid, 'SIGKILL'); // never leave it behind, even when failing
    await rm(dataDir, { recursive: true, force: true });
    expect(died).toBe(true);
  });
});

describe('CoturnProcess with a certificate', () => {
  let dir: string;
  let coturn: CoturnProcess;
  let cert: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-coturn-tls-'));
    // A throwaway self-signed certificate for coturn's own address.
    const { address } = detectMediaInterface(MEDIA_INTERFACE);
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=parley-turn-test', '-addext', `subjectAltName=IP:${address}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    cert = await readFile(join(dir, 'cert.pem'), 'utf8');
    coturn = new CoturnProcess({
      mediaInterface: MEDIA_INTERFACE,
      allowedPeers: [MEDIA_SERVER],
      dataDir: dir,
      tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
    });
    await coturn.start();
  });
  afterAll(async () => {
    await coturn?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves turns: (TLS over TCP) on the same port as UDP and TCP, with that certificate', async () => {
    const credential = new TurnCredentials({ secret: coturn.secret, lifetimeSeconds: 600 }).issue('carol');
    const tls = { host: coturn.address, port: coturn.port, transport: 'tls' as const, tls: { ca: cert } };
    const result = await withClient(tls, (client) => client.allocate({ username: credential.username, password: credential.credential }));
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect((await allocate(coturn, 'udp', credential)).ok).toBe(true);
    expect(coturn.urls('turn.example.com')).toContain(`turns:turn.example.com:${coturn.port}?transport=tcp`);
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const untrusting = { host: coturn.address, port: coturn.port, transport: 'tls' as const };
    await expect(TurnClient.connect(untrusting)).rejects.toThrow(/self-signed|certificate/i);
  });
});
