/**
 * The call log: one `call_sessions` row per session id, whether it started as
 * a ringing call (initiator, receiver, accepted_at, a ringing status) or as a
 * session someone joined; its participants' stays; its recordings.
 * SessionsStore writes the session's own start and end; this writes the
 * ringing side and reads it all back as `CallLog`s.
 */
import type { Call, CallLog, CallLogParticipant, CallStatus, CallType } from '@parley/protocol';
import type { CallKind } from '@parley/protocol';
import type { Database, Row } from '../store/database.ts';

const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());
const ms = (d: unknown) => (d == null ? null : new Date(d as string).getTime());
const seconds = (milliseconds: number) => Math.max(0, Math.round(milliseconds / 100) / 10);
const minutes = (secs: number) => Math.round((secs / 60) * 100) / 100;

export interface CallLogFilter {
  uid?: string | undefined;
  statuses?: readonly CallStatus[] | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Rows of a page are ordered newest first by (created_at, session_id); the cursor is the last row's pair. */
function encodeCursor(createdKey: string, sessionId: string): string {
  return Buffer.from(JSON.stringify([createdKey, sessionId])).toString('base64url');
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

function decodeCursor(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && isTimestampKey(value[0]) && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // a cursor we did not make: start from the top
  }
  return undefined;
}

const SELECT = `select s.*, s.created_at::text as created_key, iu.name as initiator_name, ru.name as receiver_name
  from call_sessions s left join users iu on iu.uid = s.initiator left join users ru on ru.uid = s.receiver`;

export class CallLogStore {
  #recordingsTable: boolean | undefined;

  constructor(private readonly db: Pick<Database, 'query'>) {}

  // ——— the ringing side ———

  async initiated(call: Call): Promise<void> {
    await this.db.query(
      `insert into call_sessions (session_id, kind, media, status, initiator, receiver, created_at)
       values ($1, 'direct', $2, 'initiated', $3, $4, $5)`,
      [call.sessionId, call.type, call.initiator.uid, call.receiver.uid, new Date(call.initiatedAt).toISOString()],
    );
  }

  async accepted(sessionId: string, at: number): Promise<void> {
    // A session that started already (someone joined quickly) keeps its status.
    await this.db.query(`update call_sessions set accepted_at = $2, status = case when status = 'initiated' then 'ongoing' else status end where session_id = $1`, [
      sessionId,
      new Date(at).toISOString(),
    ]);
  }

  /** A final status: rejected, busy, cancelled, unanswered, or ended. A session that ended already keeps its end. */
  async finished(sessionId: string, status: CallStatus, reason: string): Promise<void> {
    await this.db.query(
      `update call_sessions set status = $2, ended_at = coalesce(ended_at, now()), end_reason = coalesce(end_reason, $3)
       where session_id = $1 and status in ('initiated', 'ongoing')`,
      [sessionId, status, reason],
    );
  }

  /** Calls left ringing by a server that stopped: nobody will answer them now. */
  async closeDangling(): Promise<void> {
    await this.db.query(
      `update call_sessions set status = 'cancelled', ended_at = now(), end_reason = 'server-restart' where status = 'initiated'`,
    );
  }

  // ——— reading the log ———

  async get(sessionId: string): Promise<CallLog | undefined> {
    const rows = await this.db.query(`${SELECT} where s.session_id = $1`, [sessionId]);
    const [log] = await this.#toLogs(rows);
    return log;
  }

  /** Whether `uid` made, received or joined the call. */
  async isParty(sessionId: string, uid: string): Promise<boolean> {
    const rows = await this.db.query(
      `select 1 from call_sessions s where s.session_id = $1 and (s.initiator = $2 or s.receiver = $2
         or exists (select 1 from session_participants p where p.session_id = s.session_id and p.uid = $2))`,
      [sessionId, uid],
    );
    return rows.length > 0;
  }

  /** Newest first; `uid` limits to calls that user made, received or joined. */
  async list(filter: CallLogFilter): Promise<{ items: CallLog[]; nextCursor: string | null }> {
    const after = decodeCursor(filter.cursor);
    const rows = await this.db.query(
      `${SELECT}
       where ($1::text is null or s.initiator = $1 or s.receiver = $1
              or exists (select 1 from session_participants p where p.session_id = s.session_id and p.uid = $1))
         and ($2::text[] is null or s.status = any($2::text[]))
         and ($3::timestamptz is null or (s.created_at, s.session_id) < ($3::timestamptz, $4::text))
       order by s.created_at desc, s.session_id desc
       limit $5`,
      [filter.uid ?? null, filter.statuses ? [...filter.statuses] : null, after?.[0] ?? null, after?.[1] ?? null, filter.limit + 1],
    );
    const page = rows.slice(0, filter.limit);
    const items = await this.#toLogs(page);
    const last = page.at(-1);
    return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor(String(last.created_key), String(last.session_id)) : null };
  }

  async #toLogs(rows: Row[]): Promise<CallLog[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => String(r.session_id));
    const stays = await this.db.query('select * from session_participants where session_id = any($1::text[]) order by joined_at, id', [ids]);
    const recordings = await this.#recordings(ids);
    const now = Date.now();
    return rows.map((s) => {
      const sessionId = String(s.session_id);
      const status = String(s.status) as CallStatus;
      const endedAt = ms(s.ended_at);
      const startedAt = ms(s.started_at);
      // Someone still in the session counts up to now; once it ended, up to its end.
      const openUntil = status === 'ongoing' ? now : (endedAt ?? now);
      const participants: CallLogParticipant[] = stays
        .filter((p) => String(p.session_id) === sessionId)
        .map((p) => {
          const joined = ms(p.joined_at) ?? now;
          const left = ms(p.left_at);
          return {
            uid: String(p.uid),
            name: String(p.name),
            joinedAt: iso(p.joined_at) ?? '',
            leftAt: iso(p.left_at),
            durationSeconds: seconds((left ?? openUntil) - joined),
            leaveReason: (p.leave_reason as string | null) ?? null,
          };
        });
      const type = String(s.media) as CallType;
      const participantSeconds = participants.reduce((sum, p) => sum + p.durationSeconds, 0);
      const mine = recordings.filter((r) => r.sessionId === sessionId).map(({ sessionId: _, ...r }) => r);
      return {
        sessionId,
        type,
        kind: String(s.kind) as CallKind,
        status,
        initiator: s.initiator == null ? null : { uid: String(s.initiator), name: String(s.initiator_name ?? s.initiator) },
        receiver: s.receiver == null ? null : { uid: String(s.receiver), name: String(s.receiver_name ?? s.receiver) },
        initiatedAt: iso(s.created_at) ?? '',
        startedAt: iso(s.started_at),
        endedAt: iso(s.ended_at),
        endReason: (s.end_reason as string | null) ?? null,
        durationSeconds: startedAt === null ? 0 : seconds((status === 'ongoing' ? now : (endedAt ?? now)) - startedAt),
        participants,
        audioMinutes: type === 'audio' ? minutes(participantSeconds) : 0,
        videoMinutes: type === 'video' ? minutes(participantSeconds) : 0,
        hasRecording: mine.length > 0,
        recordings: mine,
      };
    });
  }

  /** The sessions' recordings, when the recordings table exists on this database. */
  async #recordings(ids: string[]) {
    if (this.#recordingsTable === undefined) {
      const [r] = await this.db.query(`select to_regclass('recordings') is not null as present`);
      this.#recordingsTable = r?.present === true;
    }
    if (!this.#recordingsTable) return [];
    const rows = await this.db.query(
      'select id, session_id, status, started_at, duration_ms from recordings where session_id = any($1::text[]) order by started_at, id',
      [ids],
    );
    return rows.map((r) => ({
      sessionId: String(r.session_id),
      id: String(r.id),
      status: String(r.status),
      startedAt: iso(r.started_at) ?? '',
      durationMs: r.duration_ms == null ? null : Number(r.duration_ms),
      fileUrl: r.status === 'ready' ? `/v1/recordings/${String(r.id)}/file` : null,
    }));
  }
}
