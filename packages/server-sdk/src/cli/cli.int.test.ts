/**
 * `parley` as a user runs it: each command a child process (bin/parley.mjs)
 * against a real server, Janus and database, with PARLEY_URL and
 * PARLEY_API_KEY; `--json` output parsed; errors as one line and an exit code.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '@parley/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyServerClient } from '../client.ts';
import { closedPort } from '../testing/closed-port.ts';
import { joinSession, recordingFilePath, recordTestPattern, whenReady } from '../testing/recorded-session.ts';
import { textSink } from '../testing/text-sink.ts';
import { EXIT } from './exit-codes.ts';
import { runCli } from './main.ts';

const BIN = fileURLToPath(new URL('../../bin/parley.mjs', import.meta.url));

let server: TestServer;
let client: ParleyServerClient;
let dir: string;
let recordingId: string;
const sockets: Array<{ close(): void }> = [];

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** `parley …args` in a child process, as a script would run it (stdout and stderr are pipes, not terminals). */
function parley(args: string[], env: Record<string, string> = { PARLEY_URL: server.url, PARLEY_API_KEY: server.apiKey }): Promise<Run> {
  const { PARLEY_URL: _url, PARLEY_API_KEY: _key, ...inherited } = process.env;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => stdout.push(d));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr })));
}

const jsonOf = (run: Run) => JSON.parse(run.stdout.toString());

beforeAll(async () => {
  server = await startTestServer({}, { media: true });
  client = new ParleyServerClient({ url: server.url, apiKey: server.apiKey });
  dir = await mkdtemp(join(tmpdir(), 'parley-cli-'));
  // A recorded session to list, show and download.
  await client.users.create({ uid: 'rita', name: 'Rita' });
  const { authToken } = await client.authTokens.create('rita');
  const { socket } = await joinSession(server, (await client.callTokens.create(authToken, 'cli-rec')).token, 'cli-rec');
  sockets.push(socket);
  recordingId = await recordTestPattern(server, socket);
  await whenReady(client, recordingId);
}, 90_000);
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('users', () => {
  it('users create makes a user; --json prints it', async () => {
    const run = await parley(['users', 'create', 'dee', '--name', 'Dee', '--json']);
    expect(run).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(jsonOf(run)).toMatchObject({ uid: 'dee', name: 'Dee', avatar: null });
    expect((await client.users.get('dee')).name).toBe('Dee');

    const human = await parley(['users', 'create', 'eve', '--name', 'Eve', '--avatar', 'https://example.com/eve.png']);
    expect(human.stdout.toString()).toBe('Created user eve (Eve)\n');
  });

  it('users token prints an auth token whose call token joins a real session', async () => {
    await client.users.create({ uid: 'fay', name: 'Fay' });
    const run = await parley(['users', 'token', 'fay']);
    expect(run.code).toBe(EXIT.ok);
    const authToken = run.stdout.toString().trim();
    expect(authToken).toMatch(/^at_\S+$/); // the token alone, for $(parley users token fay)

    const { token } = await client.callTokens.create(authToken, 'cli-join');
    const { socket, joined } = await joinSession(server, token, 'cli-join');
    sockets.push(socket);
    expect(joined.self).toMatchObject({ uid: 'fay', name: 'Fay' });

    const json = jsonOf(await parley(['users', 'token', 'fay', '--json']));
    expect(json).toMatchObject({ uid: 'fay', authToken: expect.stringMatching(/^at_/), id: expect.any(String) });
  });
});

describe('calls', () => {
  it('calls list --since shows the calls of that time, newest first', async () => {
    const recent = await parley(['calls', 'list', '--since', '10m', '--json']);
    expect(recent.code).toBe(EXIT.ok);
    const ids = jsonOf(recent).map((c: { sessionId: string }) => c.sessionId);
    expect(ids).toEqual(expect.arrayContaining(['cli-rec']));
    expect(jsonOf(await parley(['calls', 'list', '--since', '2099-01-01T00:00Z', '--json']))).toEqual([]);

    const table = (await parley(['calls', 'list', '--uid', 'rita'])).stdout.toString().split('\n');
    expect(table[0]).toMatch(/^SESSION\s+STATUS\s+TYPE\s+KIND\s+INITIATED \(UTC\)\s+DURATION\s+PEOPLE\s+RECORDINGS$/);
    expect(table[1]).toMatch(/^cli-rec\s+ongoing\s+video\s+group\s+\S+ \S+\s+\S+.*\s1\s+1$/);
  });

  it('calls show prints one call with its participants and recordings', async () => {
    const run = await parley(['calls', 'show', 'cli-rec', '--json']);
    expect(run.code).toBe(EXIT.ok);
    expect(jsonOf(run)).toMatchObject({ sessionId: 'cli-rec', participants: [{ uid: 'rita', name: 'Rita' }], recordings: [{ id: recordingId, status: 'ready' }] });
    const human = (await parley(['calls', 'show', 'cli-rec'])).stdout.toString();
    expect(human).toMatch(/^Session {5}cli-rec\n/);
    expect(human).toContain('Rita (rita)');
    expect(human).toContain(recordingId);
  });

  it("calls quality prints each participant's samples, or them as JSON", async () => {
    await client.users.create({ uid: 'quinn', name: 'Quinn' });
    const { authToken } = await client.authTokens.create('quinn');
    const { socket } = await joinSession(server, (await client.callTokens.create(authToken, 'cli-quality')).token, 'cli-quality');
    sockets.push(socket);
    const connection = { connection: 'publisher', bitrateInKbps: 0, bitrateOutKbps: 812, packetsLost: 0, lossPercent: 0, jitterMs: 3, rttMs: 21, videoSent: { framesPerSecond: 30, width: 640, height: 360 }, videoReceived: null, qualityLimitation: 'none' };
    expect((await socket.request('quality.sample', { sessionId: 'cli-quality', quality: 5, intervalMs: 5_000, connections: [connection] })).ok).toBe(true);

    const run = await parley(['calls', 'quality', 'cli-quality', '--json']);
    expect(run.code).toBe(EXIT.ok);
    expect(jsonOf(run)).toMatchObject({ sessionId: 'cli-quality', participants: [{ uid: 'quinn', samples: [{ quality: 5, connections: [connection] }] }] });
    const human = (await parley(['calls', 'quality', 'cli-quality'])).stdout.toString().split('\n');
    expect(human.some((l) => /^Quinn \(quinn\) {2}in the call \S+ \S+ → —$/.test(l))).toBe(true);
    const header = human.findIndex((l) => l.startsWith('TIME (UTC)'));
    expect(human[header]).toMatch(/^TIME \(UTC\)\s+SCORE\s+OUT KBPS\s+IN KBPS\s+LOSS %\s+RTT MS\s+JITTER MS\s+SENT\s+RECEIVED$/);
    expect(human[header + 1]).toMatch(/^\S+ \S+\s+5\s+812\s+0\s+0\.0\s+21\s+3\s+640x360@30\s+—$/);
  });

  it('an unknown call exits 1 with the code', async () => {
    const run = await parley(['calls', 'show', 'cli-never']);
    expect(run.code).toBe(EXIT.failed);
    expect(run.stderr).toMatch(/^parley: CALL_NOT_FOUND: [^\n]+\n$/);
  });
});

describe('recordings download', () => {
  it('saves the file, with no progress bar when stderr is not a terminal', async () => {
    const run = await parley(['recordings', 'download', recordingId, '-o', 'out.webm', '--json']);
    expect(run).toMatchObject({ code: EXIT.ok, stderr: '' });
    const saved = jsonOf(run);
    const original = readFileSync((await recordingFilePath(server, recordingId)) as string);
    expect(saved).toEqual({ id: recordingId, file: 'out.webm', bytes: original.length, mimeType: 'video/webm' });
    expect(readFileSync(join(dir, 'out.webm')).equals(original)).toBe(true);
  });

  it('names the file after the recording by default, and writes to stdout with -o -', async () => {
    const original = readFileSync((await recordingFilePath(server, recordingId)) as string);
    const named = await parley(['recordings', 'download', recordingId]);
    expect(named.stdout.toString()).toMatch(new RegExp(`^Saved recording-${recordingId}\\.webm \\(\\d+\\.\\d KiB\\)\\n$`));
    expect(readFileSync(join(dir, `recording-${recordingId}.webm`)).equals(original)).toBe(true);
    const piped = await parley(['recordings', 'download', recordingId, '-o', '-']);
    expect(piped.code).toBe(EXIT.ok);
    expect(piped.stdout.equals(original)).toBe(true);
  });

  it('draws a progress bar on a terminal', async () => {
    const tty = textSink({ isTTY: true });
    const code = await runCli(['recordings', 'download', recordingId, '-o', join(dir, 'tty.webm')], {
      stdout: textSink(),
      stderr: tty,
      env: { PARLEY_URL: server.url, PARLEY_API_KEY: server.apiKey },
    });
    expect(code).toBe(EXIT.ok);
    expect(tty.text()).toMatch(/\r\S*tty\.webm \[#{30}\] 100% .*\n$/);
  });
});

describe('when it goes wrong', () => {
  it('a wrong API key exits 1 with one line naming API_KEY_INVALID', async () => {
    const users = await parley(['users', 'token', 'rita'], { PARLEY_URL: server.url, PARLEY_API_KEY: 'pk_wrong_0123456789abcdefghijkl' });
    expect(users.code).toBe(EXIT.failed);
    expect(users.stderr).toMatch(/^parley: API_KEY_INVALID: The API key is wrong\n$/);
    const run = await parley(['calls', 'list'], { PARLEY_URL: server.url, PARLEY_API_KEY: 'pk_wrong_0123456789abcdefghijkl' });
    expect(run.code).toBe(EXIT.failed);
    expect(run.stdout.toString()).toBe('');
    expect(run.stderr).toMatch(/^parley: API_KEY_INVALID: The API key is wrong\n$/);
  });

  it('flags win over the environment', async () => {
    const run = await parley(['calls', 'list', '--json', '--url', server.url, '--api-key', server.apiKey], { PARLEY_URL: `http://127.0.0.1:${await closedPort()}`, PARLEY_API_KEY: 'pk_wrong' });
    expect(run.code).toBe(EXIT.ok);
  });

  it('a server that is not there exits 3 with NETWORK_ERROR', async () => {
    const run = await parley(['calls', 'show', 'x'], { PARLEY_URL: `http://127.0.0.1:${await closedPort()}`, PARLEY_API_KEY: server.apiKey });
    expect(run.code).toBe(EXIT.network);
    expect(run.stderr).toMatch(/^parley: NETWORK_ERROR: GET \/v1\/calls\/:sessionId: cannot reach the server \(ECONNREFUSED\)\n$/);
  });

  it('a wrong command line exits 2', async () => {
    const run = await parley(['users', 'create', 'gus']);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/^parley: users create: users create needs --name <name>; see "parley users create --help"\n$/);
  });
});
