/**
 * Calls and who was in them: the one writer of `call_sessions` (a row per
 * session id, whether it started as a ringing call or as a session someone
 * joined) and of its child table `session_participants` (each stay, with join
 * and leave times). The live state is in memory (sessions/); this is the
 * record the call log (calls/call-log-reader.ts) reads. Reads that filter by a
 * participant or name the ringing parties join those tables here too.
 */
import type { Call, CallKind, CallStatus } from '@parley/protocol';
import type { Database, Row } from './database.ts';
import { dateOrNull as date } from './row-values.ts';

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

/** One `call_sessions` row, with the ringing parties' names. */
export interface CallRow {
  sessionId: string;
  kind: CallKind;
  media: 'audio' | 'video';
  status: CallStatus;
  initiator: { uid: string; name: string } | null;
  receiver: { uid: string; name: string } | null;
  createdAt: Date;
  /** `created_at` as the database prints it: exact, for paging. */
  createdKey: string;
  startedAt: Date | null;
  endedAt: Date | null;
  endReason: string | null;
}

/** One stay of one participant in a session. */
export interface StayRow {
  sessionId: string;
  uid: string;
  name: string;
  joinedAt: Date;
  leftAt: Date | null;
  leaveReason: string | null;
}

export interface CallFilter {
  uid?: string | undefined;
  statuses?: readonly CallStatus[] | undefined;
  /** Rows strictly after this one, in the order (created_at, session_id) descending. */
  after?: { createdKey: string; sessionId: string } | undefined;
  limit: number;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

const SELECT_CALLS = `select s.*, s.created_at::text as created_key, iu.name as initiator_name, ru.name as receiver_name
  from call_sessions s left join users iu on iu.uid = s.initiator left join users ru on ru.uid = s.receiver`;

function toCall(s: Row): CallRow {
  const party = (uid: unknown, name: unknown) => (uid == null ? null : { uid: String(uid), name: String(name ?? uid) });
  return {
    sessionId: String(s.session_id),
    kind: s.kind as CallKind,
    media: s.media as 'audio' | 'video',
    status: s.status as CallStatus,
    initiator: party(s.initiator, s.initiator_name),
    receiver: party(s.receiver, s.receiver_name),
    createdAt: date(s.created_at) as Date,
    createdKey: String(s.created_key),
    startedAt: date(s.started_at),
    endedAt: date(s.ended_at),
    endReason: (s.end_reason as string | null) ?? null,
  };
}

function toStay(p: Row): StayRow {
  return {
    sessionId: String(p.session_id),
    uid: String(p.uid),
    name: String(p.name),
    joinedAt: date(p.joined_at) as Date,
    leftAt: date(p.left_at),
    leaveReason: (p.leave_reason as string | null) ?? null,
  };
}

export class SessionsStore {
  constructor(private readonly db: Pick<Database, 'query'>) {}

  // ——— a session's run ———

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

  // ——— the ringing side ———

  async callInitiated(call: Call): Promise<void> {
    await this.db.query(
      `insert into call_sessions (session_id, kind, media, status, initiator, receiver, created_at)
       values ($1, 'direct', $2, 'initiated', $3, $4, $5)`,
      [call.sessionId, call.type, call.initiator.uid, call.receiver.uid, new Date(call.initiatedAt).toISOString()],
    );
  }

  async callAccepted(sessionId: string, at: number): Promise<void> {
    // A session that started already (someone joined quickly) keeps its status.
    await this.db.query(`update call_sessions set accepted_at = $2, status = case when status = 'initiated' then 'ongoing' else status end where session_id = $1`, [
      sessionId,
      new Date(at).toISOString(),
    ]);
  }

  /** A final status: rejected, busy, cancelled, unanswered, or ended. A session that ended already keeps its end. */
  async callFinished(sessionId: string, status: CallStatus, reason: string): Promise<void> {
    await this.db.query(
      `update call_sessions set status = $2, ended_at = coalesce(ended_at, now()), end_reason = coalesce(end_reason, $3)
       where session_id = $1 and status in ('initiated', 'ongoing')`,
      [sessionId, status, reason],
    );
  }

  /**
   * A participant rebuilt after a restart left: their stay still open in the
   * session is closed (the writer that opened it is gone with the old process).
   */
  async openStayLeft(sessionId: string, uid: string, leftAt: Date, reason: string): Promise<void> {
    await this.db.query(
      `update session_participants set left_at = $3, leave_reason = $4
       where id = (select id from session_participants where session_id = $1 and uid = $2 and left_at is null order by id desc limit 1)`,
      [sessionId, uid, leftAt.toISOString(), reason],
    );
  }

  /**
   * A session rebuilt after its process died (sessions/restore.ts): its row,
   * and an open stay for each of `stays`, written where missing — a process
   * killed within moments of a start or a join may not have written them (the
   * call log is written after the answers). Existing rows are left as they are.
   */
  async keepOpen(sessionId: string, kind: CallKind, media: 'audio' | 'video', stays: readonly { uid: string; name: string; joinedAt: Date }[]): Promise<void> {
    const firstJoin = stays.reduce<Date | null>((first, s) => (first && first <= s.joinedAt ? first : s.joinedAt), null);
    await this.db.query(
      `insert into call_sessions (session_id, kind, media, status, started_at) values ($1, $2, $3, 'ongoing', coalesce($4::timestamptz, now()))
       on conflict (session_id) do nothing`,
      [sessionId, kind, media, iso(firstJoin)],
    );
    await this.db.query(
      `insert into session_participants (session_id, uid, name, joined_at)
       select $1, s.uid, s.name, s.joined_at from unnest($2::text[], $3::text[], $4::timestamptz[]) as s(uid, name, joined_at)
       where not exists (select 1 from session_participants p where p.session_id = $1 and p.uid = s.uid and p.left_at is null)`,
      [sessionId, stays.map((s) => s.uid), stays.map((s) => s.name), stays.map((s) => s.joinedAt.toISOString())],
    );
  }

  /**
   * Closes what a server that stopped without saying goodbye left open: its
   * stays and live sessions end, and calls still ringing are cancelled (nobody
   * will answer them now) — except the sessions and stays in `kept`, rebuilt
   * to carry on (sessions/restore.ts). Run once at start. `within` (a cluster,
   * where other processes own other sessions) limits it to those sessions and
   * leaves calls ringing alone: they may be ringing on another process.
   */
  async closeDangling(reason: string, kept: readonly { sessionId: string; uids: readonly string[] }[] = [], within?: readonly string[]): Promise<void> {
    const stays = kept.flatMap((s) => s.uids.map((uid) => [s.sessionId, uid] as const));
    const scoped = within !== undefined;
    await this.db.query(
      `update session_participants set left_at = now(), leave_reason = $1
       where left_at is null and (session_id, uid) not in (select * from unnest($2::text[], $3::text[]))
       and (not $4::boolean or session_id = any($5::text[]))`,
      [reason, stays.map(([sessionId]) => sessionId), stays.map(([, uid]) => uid), scoped, within ?? []],
    );
    await this.db.query(
      `update call_sessions set status = 'ended', ended_at = now(), end_reason = $1
       where status = 'ongoing' and not (session_id = any($2::text[])) and (not $3::boolean or session_id = any($4::text[]))`,
      [reason, kept.map((s) => s.sessionId), scoped, within ?? []],
    );
    if (!scoped) await this.db.query(`update call_sessions set status = 'cancelled', ended_at = now(), end_reason = $1 where status = 'initiated'`, [reason]);
  }

  /** The calls under way (`ongoing`) in the call log, whichever process serves them; `olderThanMs`: only those started (or answered) that long ago. */
  async ongoingIds(olderThanMs = 0): Promise<string[]> {
    const rows = await this.db.query(
      `select session_id from call_sessions where status = 'ongoing' and coalesce(accepted_at, created_at) <= now() - $1 * interval '1 millisecond' order by session_id`,
      [olderThanMs],
    );
    return rows.map((r) => String(r.session_id));
  }

  /**
   * Calls still ringing that were made `olderThanMs` ago, cancelled with
   * `reason`; their ids. For a cluster's process whose ringing died with it
   * (cluster/session-takeover.ts): a live one ends its calls at the ring timeout.
   */
  async cancelRingingOlderThan(olderThanMs: number, reason: string): Promise<string[]> {
    const rows = await this.db.query(
      `update call_sessions set status = 'cancelled', ended_at = now(), end_reason = $2
       where status = 'initiated' and created_at < now() - $1 * interval '1 millisecond' returning session_id`,
      [olderThanMs, reason],
    );
    return rows.map((r) => String(r.session_id));
  }

  // ——— reading ———

  /** Whether `uid` was ever in the session (access to its recordings hangs on this). */
  async wasIn(sessionId: string, uid: string): Promise<boolean> {
    const rows = await this.db.query('select 1 from session_participants where session_id = $1 and uid = $2 limit 1', [sessionId, uid]);
    return rows.length > 0;
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

  async call(sessionId: string): Promise<CallRow | undefined> {
    const [row] = await this.db.query(`${SELECT_CALLS} where s.session_id = $1`, [sessionId]);
    return row && toCall(row);
  }

  /** Newest first; `uid` limits to calls that user made, received or joined. */
  async calls(filter: CallFilter): Promise<CallRow[]> {
    const rows = await this.db.query(
      `${SELECT_CALLS}
       where ($1::text is null or s.initiator = $1 or s.receiver = $1
              or exists (select 1 from session_participants p where p.session_id = s.session_id and p.uid = $1))
         and ($2::text[] is null or s.status = any($2::text[]))
         and ($3::timestamptz is null or (s.created_at, s.session_id) < ($3::timestamptz, $4::text))
       order by s.created_at desc, s.session_id desc
       limit $5`,
      [filter.uid ?? null, filter.statuses ? [...filter.statuses] : null, filter.after?.createdKey ?? null, filter.after?.sessionId ?? null, filter.limit],
    );
    return rows.map(toCall);
  }

  /** Every stay in these sessions, in the order they joined. */
  async staysOf(sessionIds: readonly string[]): Promise<StayRow[]> {
    if (sessionIds.length === 0) return [];
    const rows = await this.db.query('select * from session_participants where session_id = any($1::text[]) order by joined_at, id', [[...sessionIds]]);
    return rows.map(toStay);
  }

  async get(sessionId: string): Promise<SessionRecord | undefined> {
    const call = await this.call(sessionId);
    if (!call) return undefined;
    const stays = await this.staysOf([sessionId]);
    return {
      sessionId: call.sessionId,
      kind: call.kind,
      media: call.media,
      status: call.status,
      startedAt: iso(call.startedAt),
      endedAt: iso(call.endedAt),
      endReason: call.endReason,
      participants: stays.map((p) => ({
        uid: p.uid,
        name: p.name,
        joinedAt: p.joinedAt.toISOString(),
        leftAt: iso(p.leftAt),
        leaveReason: p.leaveReason,
      })),
    };
  }
}
