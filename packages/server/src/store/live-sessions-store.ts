/**
 * What a live session needs to be rebuilt after the server died (`kill -9`, a
 * crash, a planned restart): the one writer of `live_sessions` and
 * `live_participants`. A row exists while its session (participant) is live
 * here and goes when it ends (leaves). Resume tokens are kept only as their
 * SHA-256, like everywhere else. The call log (`call_sessions`,
 * `session_participants`) stays the record of what happened; this is the
 * state to carry on from.
 *
 * Rows are read back at start, each checked against a schema: a row that
 * does not parse (a hand-edited, truncated or hostile database) is reported
 * and skipped, never trusted and never fatal.
 */
import { CallKind, PublicationSource } from '@parley/protocol';
import { z } from 'zod';
import type { Database, Row } from './database.ts';

/** What everyone saw of a participant, and what their session needs to take them back. */
export interface LiveParticipantRecord {
  uid: string;
  name: string;
  avatar: string | null;
  joinedAt: Date;
  feedId: number;
  canRecord: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
  audioOnly: boolean;
  idleTimeoutSeconds: number;
  resumeTokenHash: Buffer;
  /** The sources they published (informational: they publish again after a rebuild). */
  publications: PublicationSource[];
}

export interface LiveSessionRecord {
  sessionId: string;
  kind: CallKind;
  media: 'audio' | 'video';
  /** The recording in progress, if any: it goes on into the same folder. */
  recording: { id: string; dir: string } | null;
  participants: LiveParticipantRecord[];
}

/** What `load()` found: sessions to rebuild, and why the rows it skipped were refused. */
export interface LoadedLiveSessions {
  sessions: LiveSessionRecord[];
  refused: { sessionId: string; uid?: string; why: string }[];
}

const SessionRow = z.object({
  session_id: z.string().min(1).max(200),
  kind: CallKind,
  media: z.enum(['audio', 'video']),
  recording_id: z.string().min(1).max(200).nullable(),
  recording_dir: z.string().min(1).max(4096).nullable(),
});

const date = z.union([z.date(), z.string()]).transform((v) => new Date(v)).refine((d) => !Number.isNaN(d.getTime()), 'not a date');
const bytes = z.union([z.instanceof(Uint8Array), z.instanceof(Buffer)]).transform((b) => Buffer.from(b));

const ParticipantRow = z.object({
  uid: z.string().min(1).max(200),
  name: z.string().max(1000),
  avatar: z.string().max(4096).nullable(),
  joined_at: date,
  feed_id: z.number().int().positive(),
  can_record: z.boolean(),
  audio_muted: z.boolean(),
  video_muted: z.boolean(),
  audio_only: z.boolean(),
  idle_timeout_seconds: z.number().int().positive(),
  resume_token_hash: bytes.refine((b) => b.length === 32, 'not a SHA-256'),
  publications: z.array(PublicationSource).max(16),
});

const problem = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');

export class LiveSessionsStore {
  constructor(private readonly db: Pick<Database, 'query'>) {}

  async sessionLive(sessionId: string, kind: CallKind, media: 'audio' | 'video'): Promise<void> {
    await this.db.query(
      `insert into live_sessions (session_id, kind, media) values ($1, $2, $3)
       on conflict (session_id) do update set kind = $2, media = $3, recording_id = null, recording_dir = null, updated_at = now()`,
      [sessionId, kind, media],
    );
  }

  /** The session switched to video: so may everyone in it. */
  async mediaChanged(sessionId: string, media: 'audio' | 'video'): Promise<void> {
    await this.db.query('update live_sessions set media = $2, updated_at = now() where session_id = $1', [sessionId, media]);
    if (media === 'video') await this.db.query('update live_participants set audio_only = false where session_id = $1', [sessionId]);
  }

  /** `recording` null: nothing records. */
  async recordingChanged(sessionId: string, recording: { id: string; dir: string } | null): Promise<void> {
    await this.db.query('update live_sessions set recording_id = $2, recording_dir = $3, updated_at = now() where session_id = $1', [
      sessionId,
      recording?.id ?? null,
      recording?.dir ?? null,
    ]);
  }

  async sessionGone(sessionId: string): Promise<void> {
    await this.db.query('delete from live_sessions where session_id = $1', [sessionId]);
  }

  /** A participant is in (again: a rejoin replaces their row). */
  async participantIn(sessionId: string, p: LiveParticipantRecord): Promise<void> {
    await this.db.query(
      `insert into live_participants (session_id, uid, name, avatar, joined_at, feed_id, can_record, audio_muted, video_muted,
         audio_only, idle_timeout_seconds, resume_token_hash, publications)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)
       on conflict (session_id, uid) do update set name = $3, avatar = $4, joined_at = $5, feed_id = $6, can_record = $7,
         audio_muted = $8, video_muted = $9, audio_only = $10, idle_timeout_seconds = $11, resume_token_hash = $12, publications = $13::jsonb`,
      [
        sessionId,
        p.uid,
        p.name,
        p.avatar ?? null,
        p.joinedAt.toISOString(),
        p.feedId,
        p.canRecord,
        p.audioMuted,
        p.videoMuted,
        p.audioOnly,
        p.idleTimeoutSeconds,
        p.resumeTokenHash,
        JSON.stringify(p.publications),
      ],
    );
  }

  /** What everyone sees of them changed: mute states, audio-only, what they publish. */
  async participantChanged(sessionId: string, uid: string, p: Pick<LiveParticipantRecord, 'audioMuted' | 'videoMuted' | 'audioOnly' | 'publications'>): Promise<void> {
    await this.db.query(
      `update live_participants set audio_muted = $3, video_muted = $4, audio_only = $5, publications = $6::jsonb
       where session_id = $1 and uid = $2`,
      [sessionId, uid, p.audioMuted, p.videoMuted, p.audioOnly, JSON.stringify(p.publications)],
    );
  }

  async participantGone(sessionId: string, uid: string): Promise<void> {
    await this.db.query('delete from live_participants where session_id = $1 and uid = $2', [sessionId, uid]);
  }

  /** The id of every live session (rows not checked: cheap enough for a cluster's sweep). */
  async sessionIds(): Promise<string[]> {
    return (await this.db.query('select session_id from live_sessions order by session_id')).map((r) => String(r.session_id));
  }

  async isLive(sessionId: string): Promise<boolean> {
    return (await this.db.query('select 1 from live_sessions where session_id = $1', [sessionId])).length > 0;
  }

  /** Every live session with its participants, each row checked; a session left with nobody valid is refused. */
  async load(): Promise<LoadedLiveSessions> {
    const sessionRows = await this.db.query('select * from live_sessions order by session_id');
    const participantRows = await this.db.query('select * from live_participants order by session_id, joined_at, uid');
    const bySession = new Map<string, Row[]>();
    for (const row of participantRows) {
      const id = String(row.session_id);
      bySession.set(id, [...(bySession.get(id) ?? []), row]);
    }
    const loaded: LoadedLiveSessions = { sessions: [], refused: [] };
    for (const raw of sessionRows) {
      const sessionId = String(raw.session_id);
      const parsed = SessionRow.safeParse(raw);
      if (!parsed.success) {
        loaded.refused.push({ sessionId, why: problem(parsed.error) });
        continue;
      }
      const s = parsed.data;
      const participants: LiveParticipantRecord[] = [];
      for (const row of bySession.get(sessionId) ?? []) {
        const p = ParticipantRow.safeParse(row);
        if (!p.success) {
          loaded.refused.push({ sessionId, uid: String(row.uid), why: problem(p.error) });
          continue;
        }
        participants.push(toParticipant(p.data));
      }
      if (participants.length === 0) {
        loaded.refused.push({ sessionId, why: 'nobody in it to come back' });
        continue;
      }
      if (new Set(participants.map((p) => p.feedId)).size !== participants.length) {
        loaded.refused.push({ sessionId, why: 'two participants with one feed id' });
        continue;
      }
      const recording = s.recording_id && s.recording_dir ? { id: s.recording_id, dir: s.recording_dir } : null;
      loaded.sessions.push({ sessionId, kind: s.kind, media: s.media, recording, participants });
    }
    return loaded;
  }

  /** Forgets every live row but those of `kept` (what a start could not rebuild is not live any more); `within`: only among those sessions. */
  async forgetAllBut(kept: readonly { sessionId: string; uids: readonly string[] }[], within?: readonly string[]): Promise<void> {
    const stays = kept.flatMap((s) => s.uids.map((uid) => [s.sessionId, uid] as const));
    const scoped = within !== undefined;
    await this.db.query(
      `delete from live_participants where (session_id, uid) not in (select * from unnest($1::text[], $2::text[]))
       and (not $3::boolean or session_id = any($4::text[]))`,
      [stays.map(([sessionId]) => sessionId), stays.map(([, uid]) => uid), scoped, within ?? []],
    );
    await this.db.query('delete from live_sessions where not (session_id = any($1::text[])) and (not $2::boolean or session_id = any($3::text[]))', [
      kept.map((s) => s.sessionId),
      scoped,
      within ?? [],
    ]);
  }
}

function toParticipant(row: z.output<typeof ParticipantRow>): LiveParticipantRecord {
  return {
    uid: row.uid,
    name: row.name,
    avatar: row.avatar,
    joinedAt: row.joined_at,
    feedId: row.feed_id,
    canRecord: row.can_record,
    audioMuted: row.audio_muted,
    videoMuted: row.video_muted,
    audioOnly: row.audio_only,
    idleTimeoutSeconds: row.idle_timeout_seconds,
    resumeTokenHash: row.resume_token_hash,
    publications: row.publications,
  };
}
