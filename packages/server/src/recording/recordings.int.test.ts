/**
 * Recording with a real server, Janus and database: starting and stopping
 * over the signaling socket, and who may read recordings over REST.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { api, errorOf, startTestServer, type TestServer } from '../testing/test-server.ts';
import { signCallToken } from '../tokens/call-token.ts';
import { RecordingsStore } from './recordings-store.ts';

let server: TestServer;
let recordings: RecordingsStore;

/** A signaling client that keeps every frame it gets. */
class Client {
  readonly frames: any[] = [];
  #n = 0;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.frames.push(JSON.parse(d.toString())));
  }
  static async join(uid: string, sessionId: string, canRecord = true): Promise<{ client: Client; joined: any }> {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/ws`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const client = new Client(ws);
    const { token } = await signCallToken(server.tokenSecret, 600, { sessionId, uid, name: uid.toUpperCase(), avatar: null, kind: 'group', canRecord });
    const joined = await client.request('join', { token, sessionId });
    return { client, joined };
  }
  async request(type: string, params: unknown = {}): Promise<any> {
    const id = `r${++this.#n}`;
    this.ws.send(JSON.stringify({ id, type, params }));
    for (let i = 0; i < 400; i++) {
      const frame = this.frames.find((f) => f.type === 'response' && f.id === id);
      if (frame) return frame;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no response to ${type}`);
  }
  toggles(): any[] {
    return this.frames.filter((f) => f.type === 'event' && f.event === 'recording.toggled').map((f) => f.data);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 150));
/** Events and rows that follow a request, polled: on a loaded machine a fixed wait ran out before them. */
const SOON = { timeout: 5_000 };

beforeAll(async () => {
  server = await startTestServer({}, { media: true });
  recordings = new RecordingsStore(server.services.store.db);
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('starting and stopping over the signaling socket', () => {
  it('tells everyone, the actor included, who started and who stopped; later joiners learn the state', async () => {
    const { client: ann } = await Client.join('ann', 'rec-1');
    const { client: ben } = await Client.join('ben', 'rec-1');
    const started = await ann.request('recording.start');
    expect(started.ok).toBe(true);
    expect(started.result.recording).toBe(true);
    const again = await ben.request('recording.start');
    expect(again.result).toEqual(started.result); // starting twice is harmless
    for (const c of [ann, ben]) await expect.poll(() => c.toggles(), SOON).toEqual([{ recording: true, by: { uid: 'ann', name: 'ANN' }, recordingId: started.result.recordingId }]);

    const { client: cid, joined } = await Client.join('cid', 'rec-1');
    expect(joined.result.recording).toBe(true);

    const stopped = await ben.request('recording.stop');
    expect(stopped.result).toEqual({ recording: false, recordingId: started.result.recordingId });
    expect((await ben.request('recording.stop')).result).toEqual({ recording: false, recordingId: null });
    for (const c of [ann, ben, cid]) {
      await expect.poll(() => c.toggles().at(-1), SOON).toEqual({ recording: false, by: { uid: 'ben', name: 'BEN' }, recordingId: started.result.recordingId });
    }
    const row = await recordings.get(started.result.recordingId);
    expect(row?.startedBy).toEqual({ uid: 'ann', name: 'ANN' });
    expect(row?.stoppedAt).not.toBeNull();
    // Nobody published media here, so the job ends failed with the reason rather than hanging.
    for (let i = 0; i < 100 && (await recordings.get(row!.id))?.status !== 'failed'; i++) await settle();
    expect((await recordings.get(row!.id))?.error).toMatch(/No media|usable media/);
    for (const c of [ann, ben, cid]) c.ws.close();
  });

  it('refuses a participant whose call token does not allow recording', async () => {
    const { client: dee } = await Client.join('dee', 'rec-2', false);
    expect((await dee.request('recording.start')).error.code).toBe('FORBIDDEN');
    expect((await dee.request('recording.stop')).error.code).toBe('FORBIDDEN');
    dee.ws.close();
  });

  it('stops and processes the recording when the session ends while recording', async () => {
    const { client: eve } = await Client.join('eve', 'rec-3');
    const { result } = await eve.request('recording.start');
    await eve.request('leave');
    await expect.poll(async () => (await recordings.get(result.recordingId))?.status, SOON).not.toBe('recording');
    const row = await recordings.get(result.recordingId);
    expect(row?.stoppedAt).not.toBeNull();
    eve.ws.close();
  });

  it('refuses recording requests before joining', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/ws`);
    await new Promise((resolve) => ws.once('open', resolve));
    const answer = new Promise<any>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    ws.send(JSON.stringify({ id: 'x', type: 'recording.start', params: {} }));
    expect((await answer).error.code).toBe('NOT_JOINED');
    ws.close();
  });
});

describe('who may read recordings over REST', () => {
  const id = '11111111-1111-4111-8111-111111111111';
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
  let insider: string;
  let outsider: string;

  beforeAll(async () => {
    const http = api(server);
    await http.createUser('ins', 'Insider');
    await http.createUser('out', 'Outsider');
    insider = (await http.createAuthToken('ins')).authToken;
    outsider = (await http.createAuthToken('out')).authToken;
    const { sessions } = server.services.store;
    await sessions.sessionStarted('rest-s', 'group', 'video');
    await sessions.participantJoined('rest-s', 'ins', 'Insider', new Date());
    const dir = join(server.dataDir, 'recordings');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${id}.webm`), bytes);
    await recordings.create({ id, sessionId: 'rest-s', startedBy: { uid: 'ins', name: 'Insider' }, startedAt: new Date(), rawDir: join(dir, 'raw', id) });
    await recordings.stopped(id, new Date());
    await recordings.ready(id, { path: join(dir, `${id}.webm`), sizeBytes: 1000, durationMs: 6000, mimeType: 'video/webm', width: 1280, height: 720, gaps: [{ startMs: 2000, endMs: 3500 }] });
    await recordings.create({ id: '22222222-2222-4222-8222-222222222222', sessionId: 'rest-s', startedBy: { uid: 'ins', name: 'Insider' }, startedAt: new Date(Date.now() + 1000), rawDir: '/nonexistent' });
  });

  const paths = ['/v1/recordings?sessionId=rest-s', `/v1/recordings/${id}`, `/v1/recordings/${id}/file`];

  it('answers 401 without credentials, for list, metadata and file', async () => {
    for (const p of paths) expect(errorOf(await api(server).get(p, { auth: null })).status).toBe(401);
  });

  it('answers 403 FORBIDDEN to a user who was not in the session', async () => {
    for (const p of paths) expect(errorOf(await api(server).get(p, { auth: outsider }))).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(errorOf(await api(server).delete(`/v1/recordings/${id}`, { auth: outsider }))).toEqual({ status: 403, code: 'FORBIDDEN' });
  });

  it('lets someone who was in the session list, read and download, paged', async () => {
    const http = api(server);
    const first = await http.get('/v1/recordings?sessionId=rest-s&limit=1', { auth: insider });
    expect(first.status).toBe(200);
    expect(first.body.items.map((r: any) => r.id)).toEqual([id]);
    const second = await http.get(`/v1/recordings?sessionId=rest-s&limit=1&cursor=${first.body.nextCursor}`, { auth: insider });
    expect(second.body.items.map((r: any) => r.status)).toEqual(['recording']);
    expect(second.body.nextCursor).toBeNull();

    const meta = await http.get(`/v1/recordings/${id}`, { auth: insider });
    expect(meta.body).toMatchObject({ id, sessionId: 'rest-s', status: 'ready', progress: 1, durationMs: 6000, sizeBytes: 1000, startedBy: { uid: 'ins', name: 'Insider' }, width: 1280, height: 720, gaps: [{ startMs: 2000, endMs: 3500 }], fileUrl: `/v1/recordings/${id}/file` });
    const file = await fetch(`${server.url}/v1/recordings/${id}/file`, { headers: { authorization: `Bearer ${insider}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('serves byte ranges with 206 and Content-Range, so players can seek', async () => {
    const get = (range: string, auth = server.apiKey) => fetch(`${server.url}/v1/recordings/${id}/file`, { headers: { authorization: `Bearer ${auth}`, range } });
    const mid = await get('bytes=100-199');
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(Buffer.from(await mid.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    const open = await get('bytes=990-');
    expect(open.headers.get('content-range')).toBe('bytes 990-999/1000');
    expect((await open.arrayBuffer()).byteLength).toBe(10);
    const tail = await get('bytes=-5');
    expect(tail.headers.get('content-range')).toBe('bytes 995-999/1000');
    const beyond = await get('bytes=5000-');
    expect(beyond.status).toBe(416);
    expect((await beyond.json()).error.code).toBe('RANGE_NOT_SATISFIABLE');
    // a <video src> cannot send headers: the playbackUrl carries a token for this file only
    const meta = await api(server).get(`/v1/recordings/${id}`, { auth: insider });
    expect(meta.body.playbackUrl).toMatch(new RegExp(`^/v1/recordings/${id}/file\\?token=`));
    const viaQuery = await fetch(`${server.url}${meta.body.playbackUrl}`, { headers: { range: 'bytes=0-9' } });
    expect(viaQuery.status).toBe(206);
  });

  it('never takes a long-lived credential in the file URL', async () => {
    for (const credential of [insider, server.apiKey]) {
      const res = await fetch(`${server.url}/v1/recordings/${id}/file?token=${credential}`);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('PLAYBACK_TOKEN_INVALID');
    }
  });

  it('answers RECORDING_NOT_READY for the file of a recording still recording, and 404 for an unknown id', async () => {
    expect(errorOf(await api(server).get('/v1/recordings/22222222-2222-4222-8222-222222222222/file'))).toEqual({ status: 409, code: 'RECORDING_NOT_READY' });
    expect(errorOf(await api(server).get('/v1/recordings/33333333-3333-4333-8333-333333333333'))).toEqual({ status: 404, code: 'RECORDING_NOT_FOUND' });
    expect(errorOf(await api(server).delete('/v1/recordings/22222222-2222-4222-8222-222222222222'))).toEqual({ status: 409, code: 'INVALID_STATE' });
  });

  it('deletes a recording and its file', async () => {
    const http = api(server);
    expect((await http.delete(`/v1/recordings/${id}`, { auth: insider })).status).toBe(204);
    expect(errorOf(await http.get(`/v1/recordings/${id}`))).toEqual({ status: 404, code: 'RECORDING_NOT_FOUND' });
  });

  it('lists the routes in the OpenAPI document', async () => {
    const doc = (await api(server).get('/v1/openapi.json', { auth: null })).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/recordings', '/v1/recordings/{id}', '/v1/recordings/{id}/file']));
  });
});
