/**
 * Test support: a real session joined over the signaling socket, and a real
 * recording of it, without a browser. The server's own test helpers do the
 * work (its signaling client; its fixture that writes Janus-style `.mjr`
 * streams with ffmpeg); the server's recording job turns them into the file.
 * They are not exported by @parley/server, hence the paths into its sources.
 */
import { join } from 'node:path';
import type { TestServer } from '@parley/server/testing';
import { writeMjr } from '../../../server/src/recording/mjr-fixture.ts';
import { RecordingsStore } from '../../../server/src/recording/recordings-store.ts';
import { TestSignalingClient } from '../../../server/src/testing/signaling-client.ts';
import type { ParleyServerClient } from '../client.ts';
import type { Recording } from '../index.ts';

/** Joins `sessionId` with a call token; throws with the server's error when the join is refused. */
export async function joinSession(server: Pick<TestServer, 'url'>, callToken: string, sessionId: string): Promise<{ socket: TestSignalingClient; joined: any }> {
  const socket = await TestSignalingClient.open(server.url);
  const answer = await socket.request('join', { token: callToken, sessionId });
  if (!answer.ok) {
    socket.close();
    throw new Error(`join refused: ${JSON.stringify(answer.error)}`);
  }
  return { socket, joined: answer.result };
}

/**
 * Records the joined session for a moment: starts recording, writes what Janus
 * would have written for one camera (2 s of VP8 test pattern) into the
 * recording's raw folder, stops. Resolves with the recording's id; the server
 * then processes it (see `whenReady`).
 */
export async function recordTestPattern(server: TestServer, socket: TestSignalingClient): Promise<string> {
  const started = await socket.request('recording.start', {});
  if (!started.ok) throw new Error(`recording.start refused: ${JSON.stringify(started.error)}`);
  const id: string = started.result.recordingId;
  const row = await new RecordingsStore(server.services.store.db).get(id);
  if (!row) throw new Error(`no recording row ${id}`);
  await writeMjr({ file: join(row.rawDir, 'feed-1-video-1.mjr'), kind: 'video', startMs: row.startedAt.getTime(), seconds: 2 });
  const stopped = await socket.request('recording.stop', {});
  if (!stopped.ok) throw new Error(`recording.stop refused: ${JSON.stringify(stopped.error)}`);
  return id;
}

/** Where the server keeps a recording's finished file. */
export async function recordingFilePath(server: TestServer, id: string): Promise<string | null> {
  return (await new RecordingsStore(server.services.store.db).get(id))?.filePath ?? null;
}

/** Polls until the recording is ready (or fails, which throws). */
export async function whenReady(client: ParleyServerClient, id: string, timeoutMs = 60_000): Promise<Recording> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const recording = await client.recordings.get(id);
    if (recording.status === 'ready') return recording;
    if (recording.status === 'failed') throw new Error(`recording ${id} failed: ${recording.error}`);
    if (Date.now() > end) throw new Error(`recording ${id} still ${recording.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
