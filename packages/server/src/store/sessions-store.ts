/**
 * Call sessions and who was in them, with join and leave times. The live
 * state is in memory (sessions/); this is the record the call logs read.
 */
import type { CallKind } from '@parley/protocol';
import type { Database, Row } from './database.ts';

export interface SessionRecord {
  sessionId: string;
  kind: CallKind;
  media: 'audio' | 'video';
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  participants: { uid: string; name: string; joinedAt: string; leftAt: string | null; leaveReason: string | null }[];
}

const iso = (d: unknown) => (d == null ? null : new Date(d as string).toISOString());

export class SessionsStore {
  constructor(private readonly db: Database) {}

  /** Marks the session live; a session id used again later starts a new run of the same record. */
  async sessionStarted(sessionId: string, kind: CallKind, media: 'audio' | 'video'): Promise<void> {
    await this.db.query(
      `insert into call_sessions (session_id, kind, media, status, started_at) values ($1, $2, $3, 'ongoing', now())
       on conflict (session_id) do update set status = 'ongoing', ended_at = null, end_reason = null,
         started_at = coalesce(call_sessions.started_at, now())`,
      [sessionId, kind, media],
    );
  }

  /** The session's media changed (an audio call switched to video). */
  async mediaChanged(sessionId: string, media: 'audio' | 'video'): Promise<void> {
    await this.db.query('update call_sessions set media = $2 where session_id = $1', [sessionId, media]);
  }

  async sessionEnded(sessionId: string, reason: string): Promise<void> {
    await this.db.query(`update call_sessions set status = 'ended', ended_at = now(), end_reason = $2 where session_id = $1`, [
      sessionId,
      reason,
    ]);
  }

  async participantJoined(sessionId: string, uid: string, name: string, joinedAt: Date): Promise<number> {
    const rows = await this.db.query<{ id: string | number }>(
      'insert into session_participants (session_id, uid, name, joined_at) values ($1, $2, $3, $4) returning id',
      [sessionId, uid, name, joinedAt.toISOString()],
    );
    return Number(rows[0]?.id);
  }

  async participantLeft(recordId: number, leftAt: Date, reason: string): Promise<void> {
    await this.db.query('update session_participants set left_at = $2, leave_reason = $3 where id = $1 and left_at is null', [
      recordId,
      leftAt.toISOString(),
      reason,
    ]);
  }

  /** Closes records left open by a server that stopped without saying goodbye. */
  async closeDangling(reason: string): Promise<void> {
    await this.db.query('update session_participants set left_at = now(), leave_reason = $1 where left_at is null', [reason]);
    await this.db.query(`update call_sessions set status = 'ended', ended_at = now(), end_reason = $1 where status = 'ongoing'`, [reason]);
  }

  /** Whether `uid` was ever in the session (access to its recordings hangs on this). */
  async wasIn(sessionId: string, uid: string): Promise<boolean> {
    const rows = await this.db.query('select 1 from session_participants where session_id = $1 and uid = $2 limit 1', [sessionId, uid]);
    return rows.length > 0;
  }

  async get(sessionId: string): Promise<SessionRecord | undefined> {
    const [s] = await this.db.query<Row>('select * from call_sessions where session_id = $1', [sessionId]);
    if (!s) return undefined;
    const ps = await this.db.query<Row>('select * from session_participants where session_id = $1 order by joined_at, id', [sessionId]);
    return {
      sessionId: String(s.session_id),
      kind: s.kind as CallKind,
      media: s.media as 'audio' | 'video',
      status: String(s.status),
      startedAt: iso(s.started_at),
      endedAt: iso(s.ended_at),
      endReason: (s.end_reason as string | null) ?? null,
      participants: ps.map((p) => ({
        uid: String(p.uid),
        name: String(p.name),
        joinedAt: iso(p.joined_at) ?? '',
        leftAt: iso(p.left_at),
        leaveReason: (p.leave_reason as string | null) ?? null,
      })),
    };
  }
}
