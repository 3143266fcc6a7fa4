/**
 * The server SDK against a real server, Janus and database: users, auth and
 * call tokens (one joins a real session over the signaling socket), the call
 * log of that session, and a real recording of it, downloaded.
 */
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '@parley/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParleyServerClient } from './client.ts';
import type { DownloadProgress } from './resources/download.ts';
import { closedPort } from './testing/closed-port.ts';
import { failure } from './testing/expect-failure.ts';
import { joinSession, recordingFilePath, recordTestPattern, whenReady } from './testing/recorded-session.ts';
import { textSink } from './testing/text-sink.ts';

let server: TestServer;
let client: ParleyServerClient;
let dir: string;

beforeAll(async () => {
  server = await startTestServer({}, { media: true });
  client = new ParleyServerClient({ url: server.url, apiKey: server.apiKey });
  dir = await mkdtemp(join(tmpdir(), 'parley-server-sdk-'));
}, 60_000);
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('users', () => {
  it('creates, reads, changes and deletes a user', async () => {
    const created = await client.users.create({ uid: 'ada', name: 'Ada', metadata: { team: 'blue' } });
    expect(created).toMatchObject({ uid: 'ada', name: 'Ada', avatar: null, metadata: { team: 'blue' } });
    expect((await failure(client.users.create({ uid: 'ada', name: 'Again' }))).code).toBe('USER_EXISTS');

    const changed = await client.users.update('ada', { name: 'Ada Lovelace', avatar: 'https://example.com/ada.png' });
    expect(changed).toMatchObject({ name: 'Ada Lovelace', avatar: 'https://example.com/ada.png', metadata: { team: 'blue' } });
    expect(await client.users.get('ada')).toEqual(changed);

    await client.users.delete('ada');
    expect((await failure(client.users.get('ada'))).code).toBe('USER_NOT_FOUND');
  });

  it('lists users a page at a time, and all of them across pages', async () => {
    for (const uid of ['pg-1', 'pg-2', 'pg-3']) await client.users.create({ uid, name: uid });
    const first = await client.users.list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const uids: string[] = [];
    for await (const user of client.users.all()) uids.push(user.uid);
    expect(uids.filter((u) => u.startsWith('pg-'))).toEqual(['pg-1', 'pg-2', 'pg-3']);
  });
});

describe('auth tokens and call tokens', () => {
  it('issues an auth token whose call token joins a real session as that user', async () => {
    await client.users.create({ uid: 'ann', name: 'Ann' });
    const { authToken } = await client.authTokens.create('ann');
    const callToken = await client.callTokens.create(authToken, 'sdk-join', { type: 'group' });
    expect(callToken.sessionId).toBe('sdk-join');
    expect(Date.parse(callToken.expiresAt)).toBeGreaterThan(Date.now());

    const { socket, joined } = await joinSession(server, callToken.token, 'sdk-join');
    expect(joined).toMatchObject({ sessionId: 'sdk-join', kind: 'group', self: { uid: 'ann', name: 'Ann' } });
    socket.close();
  });

  it('a revoked auth token gets no call token', async () => {
    await client.users.create({ uid: 'rev', name: 'Rev' });
    const { id, authToken } = await client.authTokens.create('rev');
    await client.authTokens.revoke('rev', id);
    await client.authTokens.revoke('rev', id); // twice is fine
    expect((await failure(client.callTokens.create(authToken, 'sdk-revoked'))).code).toBe('AUTH_TOKEN_INVALID');
  });

  it('the API key is no auth token', async () => {
    expect((await failure(client.callTokens.create(server.apiKey, 'sdk-key'))).code).toBe('AUTH_TOKEN_INVALID');
  });
});

describe('the call log', () => {
  it('lists a joined session and shows who was in it', async () => {
    await client.users.create({ uid: 'bea', name: 'Bea' });
    const { authToken } = await client.authTokens.create('bea');
    const { token } = await client.callTokens.create(authToken, 'sdk-log');
    const { socket } = await joinSession(server, token, 'sdk-log');

    const page = await client.calls.list({ uid: 'bea', status: ['ongoing'] });
    expect(page.items.map((c) => c.sessionId)).toEqual(['sdk-log']);
    const call = await client.calls.get('sdk-log');
    expect(call).toMatchObject({ sessionId: 'sdk-log', status: 'ongoing', kind: 'group', initiator: null });
    expect(call.participants).toMatchObject([{ uid: 'bea', name: 'Bea', leftAt: null }]);
    expect((await client.calls.list({ uid: 'bea', status: 'ended' })).items).toEqual([]);
    expect((await failure(client.calls.get('sdk-never'))).code).toBe('CALL_NOT_FOUND');
    socket.close();
  });
  it("reads a call's quality timelines: the samples each participant's SDK sent, with their stays", async () => {
    await client.users.create({ uid: 'qin', name: 'Qin' });
    const { authToken } = await client.authTokens.create('qin');
    const { token } = await client.callTokens.create(authToken, 'sdk-quality');
    const { socket } = await joinSession(server, token, 'sdk-quality');
    const sent = await socket.request('quality.sample', QUALITY_SAMPLE('sdk-quality'));
    expect(sent.result).toEqual({ stored: true });

    const quality = await client.calls.quality('sdk-quality');
    expect(quality.participants).toMatchObject([{ uid: 'qin', name: 'Qin', stays: [{ leftAt: null }], samples: [{ quality: 4, intervalMs: 5_000 }] }]);
    expect(quality.participants[0]?.samples[0]?.connections[0]).toMatchObject({ connection: 'subscriber', bitrateInKbps: 1200, lossPercent: 0.5 });
    expect((await failure(client.calls.quality('sdk-never'))).code).toBe('CALL_NOT_FOUND');
    socket.close();
  });
});

/** A call-quality sample as the browser SDK sends it (protocol QualitySample). */
const QUALITY_SAMPLE = (sessionId: string) => ({
  sessionId,
  quality: 4,
  intervalMs: 5_000,
  connections: [
    {
      connection: 'subscriber',
      bitrateInKbps: 1200,
      bitrateOutKbps: 0,
      packetsLost: 3,
      lossPercent: 0.5,
      jitterMs: 8,
      rttMs: 40,
      videoSent: null,
      videoReceived: { framesPerSecond: 30, width: 1280, height: 720 },
      qualityLimitation: 'none',
    },
  ],
});

describe('recordings', () => {
  let recordingId: string;
  let socket: Awaited<ReturnType<typeof joinSession>>['socket'];

  beforeAll(async () => {
    await client.users.create({ uid: 'cy', name: 'Cy' });
    const { authToken } = await client.authTokens.create('cy');
    const { token } = await client.callTokens.create(authToken, 'sdk-rec');
    ({ socket } = await joinSession(server, token, 'sdk-rec'));
    recordingId = await recordTestPattern(server, socket);
  }, 60_000);
  afterAll(() => socket?.close());

  it("lists the session's recording and reads it until it is ready", async () => {
    expect((await client.recordings.list('sdk-rec')).items.map((r) => r.id)).toEqual([recordingId]);
    const ready = await whenReady(client, recordingId);
    expect(ready).toMatchObject({ sessionId: 'sdk-rec', status: 'ready', mimeType: 'video/webm', startedBy: { uid: 'cy', name: 'Cy' } });
    expect(ready.sizeBytes).toBeGreaterThan(1000);
  });

  it('downloads the file to a path, reporting progress up to its size', async () => {
    const { sizeBytes } = await whenReady(client, recordingId);
    const progress: DownloadProgress[] = [];
    const file = join(dir, 'cy.webm');
    const saved = await client.recordings.download(recordingId, file, { onProgress: (p) => progress.push(p) });
    expect(saved).toEqual({ bytes: sizeBytes, mimeType: 'video/webm' });
    expect(progress.at(-1)).toEqual({ receivedBytes: sizeBytes, totalBytes: sizeBytes });
    expect(progress.map((p) => p.receivedBytes)).toEqual([...progress.map((p) => p.receivedBytes)].sort((a, b) => a - b));
    const original = (await recordingFilePath(server, recordingId)) as string;
    expect(readFileSync(file).equals(readFileSync(original))).toBe(true);
  });

  it('downloads to any Writable', async () => {
    const sink = textSink();
    const saved = await client.recordings.download(recordingId, sink);
    expect(sink.bytes().equals(readFileSync((await recordingFilePath(server, recordingId)) as string))).toBe(true);
    expect(saved.bytes).toBe(sink.bytes().length);
    expect(sink.writableFinished).toBe(true);
  });

  it('gives a playback URL a browser can open without credentials', async () => {
    const url = await client.recordings.playbackUrl(recordingId);
    expect(url.startsWith(`${server.url}/v1/recordings/${recordingId}/file?token=`)).toBe(true);
    const response = await fetch(url, { headers: { range: 'bytes=0-3' } });
    expect(response.status).toBe(206);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])); // the EBML magic of WebM
  });

  it('refuses to download a recording that is still recording, and leaves no file behind', async () => {
    const started = await socket.request('recording.start', {});
    const live: string = started.result.recordingId;
    const file = join(dir, 'live.webm');
    const error = await failure(client.recordings.download(live, file));
    expect(error.code).toBe('RECORDING_NOT_READY');
    expect(error.details).toEqual({ status: 'recording' });
    expect(() => statSync(file)).toThrow();
    expect((await failure(client.recordings.playbackUrl(live))).code).toBe('RECORDING_NOT_READY');
    expect((await failure(client.recordings.delete(live))).code).toBe('INVALID_STATE');
  });

  it('deletes a recording', async () => {
    await whenReady(client, recordingId);
    await client.recordings.delete(recordingId);
    expect((await failure(client.recordings.get(recordingId))).code).toBe('RECORDING_NOT_FOUND');
  });
});

describe('credentials and reachability', () => {
  it('a wrong API key is API_KEY_INVALID, with its HTTP status, on every kind of route', async () => {
    const wrong = new ParleyServerClient({ url: server.url, apiKey: 'pk_wrong_0123456789abcdefghijkl' });
    const error = await failure(wrong.users.list());
    expect(error.code).toBe('API_KEY_INVALID');
    expect(error.status).toBe(401);
    // The call log also takes auth tokens, and the server answers AUTH_TOKEN_INVALID; the client sent a key.
    expect((await failure(wrong.calls.list())).code).toBe('API_KEY_INVALID');
    expect((await failure(wrong.recordings.list('sdk-rec'))).code).toBe('API_KEY_INVALID');
  });

  it('a server that is not there is NETWORK_ERROR', async () => {
    const gone = new ParleyServerClient({ url: `http://127.0.0.1:${await closedPort()}`, apiKey: server.apiKey, retry: false });
    const error = await failure(gone.users.list());
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
