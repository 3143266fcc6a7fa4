/**
 * /v1/recordings: list a session's recordings, read one, download its file
 * (with HTTP range requests, so players can seek), delete it. The API key may
 * do all of it; a user's auth token only for sessions that user was in.
 */
import { createReadStream, statSync } from 'node:fs';
import { ParleyError, Recording, RecordingFileQuery, RecordingIdParams, RecordingListQuery, RecordingPage } from '@parley/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type Caller } from '../http/auth.ts';
import { defineRoute } from '../http/route.ts';
import type { Services } from '../services.ts';
import type { SessionsStore } from '../store/index.ts';
import { signPlaybackToken, verifyPlaybackToken } from '../tokens/playback-token.ts';
import type { RecordingService } from './recording-service.ts';
import { type RecordingRow, toRecording } from './recordings-store.ts';

async function mayRead(sessions: SessionsStore, caller: Caller, sessionId: string): Promise<void> {
  if (caller.kind === 'apiKey') return;
  if (caller.kind === 'user' && (await sessions.wasIn(sessionId, caller.user.uid))) return;
  throw new ParleyError('FORBIDDEN', 'Only the API key or someone who was in the session may see its recordings');
}

async function requireRecording(service: RecordingService, sessions: SessionsStore, caller: Caller, id: string): Promise<RecordingRow> {
  const row = await service.store.get(id);
  if (!row) throw new ParleyError('RECORDING_NOT_FOUND', `No recording "${id}"`);
  await mayRead(sessions, caller, row.sessionId);
  return row;
}

/** One `bytes=` range of a file of `size` bytes; undefined = the whole file; null = not satisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined | null {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // several ranges or junk: send it all
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return null;
  return { start, end };
}

/**
 * The file route takes credentials in a header, or a playback token for this
 * recording in `?token=` (a `<video src>` cannot send headers). Long-lived
 * credentials never travel in URLs.
 */
async function mayReadFile(request: FastifyRequest, token: string | undefined, services: Services, service: RecordingService, id: string): Promise<RecordingRow> {
  if (token !== undefined) {
    await verifyPlaybackToken(services.secrets.tokenSecret, token, id);
    const row = await service.store.get(id);
    if (!row) throw new ParleyError('RECORDING_NOT_FOUND', `No recording "${id}"`);
    return row;
  }
  return requireRecording(service, services.store.sessions, await authenticate(request, 'apiKeyOrAuthToken', services), id);
}

/** The recording as the API shows it, with a fresh playback URL once it is ready. */
async function present(row: RecordingRow, services: Services): Promise<Recording> {
  const recording = toRecording(row);
  if (!recording.fileUrl) return recording;
  const token = await signPlaybackToken(services.secrets.tokenSecret, row.id);
  return { ...recording, playbackUrl: `${recording.fileUrl}?token=${token}` };
}

function sendFile(request: FastifyRequest, reply: FastifyReply, row: RecordingRow): void {
  const path = row.filePath as string;
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new ParleyError('RECORDING_NOT_FOUND', 'The recording file is missing');
  }
  const range = parseRange(typeof request.headers.range === 'string' ? request.headers.range : undefined, size);
  const headers: Record<string, string | number> = {
    'content-type': row.mimeType ?? 'video/webm',
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=0',
    'content-disposition': `inline; filename="recording-${row.id}.webm"`,
  };
  if (range === null) {
    throw new ParleyError('RANGE_NOT_SATISFIABLE', `The file has ${size} bytes`, { details: { size } });
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  headers['content-length'] = size === 0 ? 0 : end - start + 1;
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  reply.hijack();
  reply.raw.writeHead(range ? 206 : 200, headers);
  if (request.method === 'HEAD' || size === 0) {
    reply.raw.end();
    return;
  }
  const stream = createReadStream(path, { start, end });
  stream.on('error', () => reply.raw.destroy());
  stream.pipe(reply.raw);
}

export function recordingRoutes(service: RecordingService) {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/recordings',
      operationId: 'listRecordings',
      tag: 'recordings',
      summary: "List a session's recordings, oldest first (API key, or a user who was in the session)",
      auth: 'apiKeyOrAuthToken',
      query: RecordingListQuery,
      response: { status: 200, schema: RecordingPage },
      handler: async ({ query, caller, services }) => {
        await mayRead(services.store.sessions, caller, query.sessionId);
        const page = await service.store.listBySession(query.sessionId, query.limit, query.cursor);
        return { items: await Promise.all(page.items.map((row) => present(row, services))), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/recordings/:id',
      operationId: 'getRecording',
      tag: 'recordings',
      summary: 'A recording: status, progress, duration, size, who started it and when',
      auth: 'apiKeyOrAuthToken',
      params: RecordingIdParams,
      response: { status: 200, schema: Recording },
      handler: async ({ params, caller, services }) => present(await requireRecording(service, services.store.sessions, caller, params.id), services),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/recordings/:id/file',
      operationId: 'downloadRecording',
      tag: 'recordings',
      summary: "The recording's file (WebM); supports Range requests. Auth by header, or ?token= with the playbackUrl's token",
      auth: 'none',
      params: RecordingIdParams,
      query: RecordingFileQuery,
      response: { status: 200, file: { contentTypes: ['video/webm', 'audio/webm'], ranges: true } },
      handler: async ({ params, query, services, request, reply }) => {
        const row = await mayReadFile(request, query.token, services, service, params.id);
        if (row.status !== 'ready' || !row.filePath) {
          throw new ParleyError('RECORDING_NOT_READY', `The recording is ${row.status}`, { details: { status: row.status } });
        }
        sendFile(request, reply, row);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/v1/recordings/:id',
      operationId: 'deleteRecording',
      tag: 'recordings',
      summary: 'Delete a recording and its files (not while it records)',
      auth: 'apiKeyOrAuthToken',
      params: RecordingIdParams,
      response: { status: 204 },
      handler: async ({ params, caller, services }) => {
        const row = await requireRecording(service, services.store.sessions, caller, params.id);
        await service.delete(row);
      },
    }),
  ];
}
