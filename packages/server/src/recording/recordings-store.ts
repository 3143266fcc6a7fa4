/**
 * The `recordings` table: one row per recording, from start to its file.
 * The status moves recording → processing → ready | failed, and never back
 * except when a restart picks a job up again (processing → processing).
 */
import type { CallLogRecording, Recording, RecordingStatus } from '@parley/protocol';
import type { Database, Row } from '../store/database.ts';
import { dateOrNull as date } from '../store/row-values.ts';
import type { MediaGap } from './media-gaps.ts';

export interface RecordingRow {
  id: string;
  sessionId: string;
  status: RecordingStatus;
  progress: number;
  startedBy: { uid: string; name: string };
  startedAt: Date;
  stoppedAt: Date | null;
  durationMs: number | null;
  sizeBytes: number | null;
  mimeType: string | null;
  width: number | null;
  height: number | null;
  filePath: string | null;
  rawDir: string;
  error: string | null;
  attempts: number;
  /** Where the file has no media (its media server or this server restarted while it recorded); null until ready. */
  gaps: MediaGap[] | null;
}

const num = (n: unknown) => (n == null ? null : Number(n));

function toRow(r: Row): RecordingRow {
  return {
    id: String(r.id),
    sessionId: String(r.session_id),
    status: r.status as RecordingStatus,
    progress: Number(r.progress),
    startedBy: { uid: String(r.started_by), name: String(r.started_by_name) },
    startedAt: date(r.started_at) as Date,
    stoppedAt: date(r.stopped_at),
    durationMs: num(r.duration_ms),
    sizeBytes: num(r.size_bytes),
    mimeType: (r.mime_type as string | null) ?? null,
    width: num(r.width),
    height: num(r.height),
    filePath: (r.file_path as string | null) ?? null,
    rawDir: String(r.raw_dir),
    error: (r.error as string | null) ?? null,
    attempts: Number(r.attempts),
    gaps: (r.gaps as MediaGap[] | null) ?? null,
  };
}

/** Where a ready recording's file is served (signed per request for media elements). */
export function recordingFileUrl(id: string): string {
  return `/v1/recordings/${id}/file`;
}

/** The public view of a row (no paths on disk). */
export function toRecording(r: RecordingRow): Recording {
  return {
    id: r.id,
    sessionId: r.sessionId,
    status: r.status,
    progress: r.status === 'ready' ? 1 : Math.round(r.progress * 1000) / 1000,
    startedBy: r.startedBy,
    startedAt: r.startedAt.toISOString(),
    stoppedAt: r.stoppedAt?.toISOString() ?? null,
    durationMs: r.durationMs,
    sizeBytes: r.sizeBytes,
    mimeType: r.mimeType,
    width: r.width,
    height: r.height,
    error: r.error,
    ...(r.gaps ? { gaps: r.gaps } : {}),
    fileUrl: r.status === 'ready' ? recordingFileUrl(r.id) : null,
    playbackUrl: null, // signed per request by the routes, never stored
  };
}

export class RecordingsStore {
  constructor(private readonly db: Pick<Database, 'query'>) {}

  async create(r: { id: string; sessionId: string; startedBy: { uid: string; name: string }; startedAt: Date; rawDir: string }): Promise<RecordingRow> {
    const rows = await this.db.query(
      `insert into recordings (id, session_id, status, started_by, started_by_name, started_at, raw_dir)
       values ($1, $2, 'recording', $3, $4, $5, $6) returning *`,
      [r.id, r.sessionId, r.startedBy.uid, r.startedBy.name, r.startedAt.toISOString(), r.rawDir],
    );
    return toRow(rows[0] as Row);
  }

  async get(id: string): Promise<RecordingRow | undefined> {
    const rows = await this.db.query('select * from recordings where id = $1', [id]);
    return rows[0] && toRow(rows[0]);
  }

  /** A session's recordings, oldest first; the cursor is the last id of the previous page. */
  async listBySession(sessionId: string, limit: number, cursor: string | undefined): Promise<{ items: RecordingRow[]; nextCursor: string | null }> {
    let after: { startedAt: string; id: string } | undefined;
    if (cursor) {
      const [c] = await this.db.query('select started_at, id from recordings where id::text = $1', [cursor]);
      if (c) after = { startedAt: new Date(c.started_at as string).toISOString(), id: String(c.id) };
    }
    const rows = await this.db.query(
      `select * from recordings where session_id = $1
         and ($2::timestamptz is null or (started_at, id::text) > ($2::timestamptz, $3::text))
       order by started_at, id::text limit $4`,
      [sessionId, after?.startedAt ?? null, after?.id ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map(toRow);
    return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
  }

  /** The recordings of these sessions as the call log lists them, oldest first. */
  async summariesOf(sessionIds: readonly string[]): Promise<Array<CallLogRecording & { sessionId: string }>> {
    if (sessionIds.length === 0) return [];
    const rows = await this.db.query('select * from recordings where session_id = any($1::text[]) order by started_at, id', [[...sessionIds]]);
    return rows.map(toRow).map((r) => ({
      sessionId: r.sessionId,
      id: r.id,
      status: r.status,
      startedAt: r.startedAt.toISOString(),
      durationMs: r.durationMs,
      fileUrl: r.status === 'ready' ? recordingFileUrl(r.id) : null,
    }));
  }

  async withStatus(...statuses: RecordingStatus[]): Promise<RecordingRow[]> {
    const rows = await this.db.query('select * from recordings where status = any($1::text[]) order by started_at', [statuses]);
    return rows.map(toRow);
  }

  /** Recording stopped: the job may start. */
  async stopped(id: string, stoppedAt: Date): Promise<void> {
    await this.db.query(
      `update recordings set status = 'processing', stopped_at = coalesce(stopped_at, $2), progress = 0, updated_at = now() where id = $1`,
      [id, stoppedAt.toISOString()],
    );
  }

  async jobStarted(id: string): Promise<void> {
    await this.db.query(`update recordings set status = 'processing', attempts = attempts + 1, progress = 0, updated_at = now() where id = $1`, [id]);
  }

  async progress(id: string, progress: number): Promise<void> {
    await this.db.query(`update recordings set progress = $2, updated_at = now() where id = $1 and status = 'processing'`, [id, progress]);
  }

  async ready(
    id: string,
    file: { path: string; sizeBytes: number; durationMs: number; mimeType: string; width: number | null; height: number | null; gaps: readonly MediaGap[] },
  ): Promise<void> {
    await this.db.query(
      `update recordings set status = 'ready', progress = 1, file_path = $2, size_bytes = $3, duration_ms = $4,
         mime_type = $5, width = $6, height = $7, gaps = $8::jsonb, error = null, updated_at = now() where id = $1`,
      [id, file.path, file.sizeBytes, Math.round(file.durationMs), file.mimeType, file.width, file.height, JSON.stringify(file.gaps)],
    );
  }

  async failed(id: string, error: string): Promise<void> {
    await this.db.query(`update recordings set status = 'failed', error = $2, updated_at = now() where id = $1`, [id, error.slice(0, 2000)]);
  }

  async delete(id: string): Promise<void> {
    await this.db.query('delete from recordings where id = $1', [id]);
  }
}
