/**
 * The call log as the API reads it: each call (ringing or session-only) with
 * its stays, durations, minutes and recordings. It writes nothing and owns no
 * table: it reads the sessions store (calls and stays) and asks the
 * recordings for theirs.
 */
import type { CallLog as CallLogEntry, CallLogParticipant, CallLogRecording, CallStatus } from '@parley/protocol';
import type { CallRow, SessionsStore } from '../store/sessions-store.ts';

const seconds = (milliseconds: number) => Math.max(0, Math.round(milliseconds / 100) / 10);
const minutes = (secs: number) => Math.round((secs / 60) * 100) / 100;

/** Where the call log gets a session's recordings from (RecordingsStore). */
export interface SessionRecordings {
  summariesOf(sessionIds: readonly string[]): Promise<Array<CallLogRecording & { sessionId: string }>>;
}

export interface CallLogFilter {
  uid?: string | undefined;
  statuses?: readonly CallStatus[] | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Rows of a page are ordered newest first by (created_at, session_id); the cursor is the last row's pair. */
function encodeCursor(row: CallRow): string {
  return Buffer.from(JSON.stringify([row.createdKey, row.sessionId])).toString('base64url');
}

/**
 * The text PostgreSQL writes for a timestamptz (`2026-11-28 07:35:59.123+00`),
 * and a real date: what `Date.parse` accepts ("0", "2000-02-30") PostgreSQL may refuse.
 */
function isTimestampKey(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

function decodeCursor(cursor: string | undefined): { createdKey: string; sessionId: string } | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && isTimestampKey(value[0]) && typeof value[1] === 'string') {
      return { createdKey: value[0], sessionId: value[1] };
    }
  } catch {
    // a cursor we did not make: start from the top
  }
  return undefined;
}

export class CallLogReader {
  constructor(
    private readonly sessions: SessionsStore,
    private readonly recordings: SessionRecordings,
  ) {}

  async get(sessionId: string): Promise<CallLogEntry | undefined> {
    const row = await this.sessions.call(sessionId);
    if (!row) return undefined;
    const [log] = await this.#toLogs([row]);
    return log;
  }

  /** Whether `uid` made, received or joined the call. */
  isParty(sessionId: string, uid: string): Promise<boolean> {
    return this.sessions.isParty(sessionId, uid);
  }

  /** Newest first; `uid` limits to calls that user made, received or joined. */
  async list(filter: CallLogFilter): Promise<{ items: CallLogEntry[]; nextCursor: string | null }> {
    const rows = await this.sessions.calls({
      uid: filter.uid,
      statuses: filter.statuses,
      after: decodeCursor(filter.cursor),
      limit: filter.limit + 1,
    });
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return { items: await this.#toLogs(page), nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
  }

  async #toLogs(rows: CallRow[]): Promise<CallLogEntry[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.sessionId);
    const [stays, recordings] = await Promise.all([this.sessions.staysOf(ids), this.recordings.summariesOf(ids)]);
    const now = Date.now();
    return rows.map((s) => {
      const endedAt = s.endedAt?.getTime() ?? null;
      // Someone still in the session counts up to now; once it ended, up to its end.
      const openUntil = s.status === 'ongoing' ? now : (endedAt ?? now);
      const participants: CallLogParticipant[] = stays
        .filter((p) => p.sessionId === s.sessionId)
        .map((p) => ({
          uid: p.uid,
          name: p.name,
          joinedAt: p.joinedAt.toISOString(),
          leftAt: p.leftAt?.toISOString() ?? null,
          durationSeconds: seconds((p.leftAt?.getTime() ?? openUntil) - p.joinedAt.getTime()),
          leaveReason: p.leaveReason,
        }));
      const participantSeconds = participants.reduce((sum, p) => sum + p.durationSeconds, 0);
      const mine = recordings.filter((r) => r.sessionId === s.sessionId).map(({ sessionId: _, ...r }) => r);
      return {
        sessionId: s.sessionId,
        type: s.media,
        kind: s.kind,
        status: s.status,
        initiator: s.initiator,
        receiver: s.receiver,
        initiatedAt: s.createdAt.toISOString(),
        startedAt: s.startedAt?.toISOString() ?? null,
        endedAt: s.endedAt?.toISOString() ?? null,
        endReason: s.endReason,
        durationSeconds: s.startedAt === null ? 0 : seconds(openUntil - s.startedAt.getTime()),
        participants,
        audioMinutes: s.media === 'audio' ? minutes(participantSeconds) : 0,
        videoMinutes: s.media === 'video' ? minutes(participantSeconds) : 0,
        hasRecording: mine.length > 0,
        recordings: mine,
      };
    });
  }
}
