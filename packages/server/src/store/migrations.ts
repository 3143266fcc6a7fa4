/**
 * The schema, as an ordered list of migrations. Append only: a migration that
 * has shipped is never edited, a change is a new entry.
 */
import type { Database } from './database.ts';
import { runMigrations } from './migration-runner.ts';

export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'users and auth tokens',
    sql: `
      create table users (
        uid text primary key,
        name text not null,
        avatar text,
        metadata jsonb not null default '{}'::jsonb,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create table auth_tokens (
        id uuid primary key,
        uid text not null references users(uid) on delete cascade,
        token_hash bytea not null unique,
        created_at timestamptz not null default now(),
        revoked_at timestamptz
      );
      create index auth_tokens_uid on auth_tokens(uid);
    `,
  },
  {
    version: 2,
    name: 'call sessions and their participants',
    sql: `
      create table call_sessions (
        session_id text primary key,
        kind text not null check (kind in ('direct', 'group')),
        media text not null default 'video' check (media in ('audio', 'video')),
        status text not null,
        created_at timestamptz not null default now(),
        started_at timestamptz,
        ended_at timestamptz,
        end_reason text
      );
      create table session_participants (
        id bigserial primary key,
        session_id text not null references call_sessions(session_id) on delete cascade,
        uid text not null,
        name text not null,
        joined_at timestamptz not null,
        left_at timestamptz,
        leave_reason text
      );
      create index session_participants_session on session_participants(session_id);
      create index session_participants_uid on session_participants(uid);
    `,
  },
  {
    version: 3,
    name: 'recordings',
    sql: `
      create table recordings (
        id uuid primary key,
        session_id text not null,
        status text not null check (status in ('recording', 'processing', 'ready', 'failed')),
        progress real not null default 0,
        started_by text not null,
        started_by_name text not null,
        started_at timestamptz not null,
        stopped_at timestamptz,
        duration_ms bigint,
        size_bytes bigint,
        mime_type text,
        width integer,
        height integer,
        file_path text,
        raw_dir text not null,
        error text,
        attempts integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index recordings_session on recordings(session_id, started_at);
      create index recordings_status on recordings(status);
    `,
  },
  {
    version: 4,
    name: 'ringing calls in the call log',
    sql: `
      alter table call_sessions add column initiator text;
      alter table call_sessions add column receiver text;
      alter table call_sessions add column accepted_at timestamptz;
      create index call_sessions_created on call_sessions(created_at desc, session_id desc);
      create index call_sessions_initiator on call_sessions(initiator);
      create index call_sessions_receiver on call_sessions(receiver);
      create index call_sessions_status on call_sessions(status)
    `,
  },
  {
    version: 5,
    name: 'webhooks: endpoints, the outbox of events, deliveries and their attempts',
    sql: `
      create table webhook_endpoints (
        id text primary key,
        url text not null,
        events jsonb,
        secret text not null,
        source text not null check (source in ('api', 'env')),
        created_at timestamptz not null default now()
      );
      create table webhook_events (
        seq bigserial primary key,
        id text not null unique,
        type text not null,
        order_key text not null,
        created_at timestamptz not null,
        body text not null
      );
      create table webhook_deliveries (
        id bigserial primary key,
        endpoint_id text not null references webhook_endpoints(id) on delete cascade,
        event_seq bigint not null references webhook_events(seq) on delete cascade,
        order_key text not null,
        status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
        attempts integer not null default 0,
        first_tried_at timestamptz,
        next_attempt_at timestamptz not null,
        unique (endpoint_id, event_seq)
      );
      create index webhook_deliveries_due on webhook_deliveries(status, next_attempt_at);
      create index webhook_deliveries_order on webhook_deliveries(endpoint_id, order_key, event_seq);
      create table webhook_attempts (
        id bigserial primary key,
        delivery_id bigint not null references webhook_deliveries(id) on delete cascade,
        attempted_at timestamptz not null,
        status_code integer,
        error text,
        duration_ms integer not null
      );
      create index webhook_attempts_delivery on webhook_attempts(delivery_id)
    `,
  },
  {
    version: 6,
    name: 'live sessions and their participants, to rebuild after a restart',
    sql: `
      create table live_sessions (
        session_id text primary key,
        kind text not null,
        media text not null,
        recording_id text,
        recording_dir text,
        updated_at timestamptz not null default now()
      );
      create table live_participants (
        session_id text not null references live_sessions(session_id) on delete cascade,
        uid text not null,
        name text not null,
        avatar text,
        joined_at timestamptz not null,
        feed_id integer not null,
        can_record boolean not null,
        audio_muted boolean not null,
        video_muted boolean not null,
        audio_only boolean not null,
        idle_timeout_seconds integer not null,
        resume_token_hash bytea not null,
        publications jsonb not null default '[]'::jsonb,
        primary key (session_id, uid)
      )
    `,
  },
  {
    version: 7,
    name: 'call-quality samples (quality/quality-store.ts)',
    sql: `
      create table quality_samples (
        id bigserial primary key,
        session_id text not null,
        uid text not null,
        received_at timestamptz not null,
        quality smallint not null check (quality between 0 and 5),
        interval_ms integer not null,
        connections jsonb not null
      );
      create index quality_samples_session on quality_samples(session_id, uid, received_at);
      create index quality_samples_received on quality_samples(received_at)
    `,
  },
  {
    version: 8,
    name: "recordings: where the file has no media (recording/media-gaps.ts)",
    sql: `alter table recordings add column gaps jsonb`,
  },
];

/** Brings the database up to MIGRATIONS: once across processes starting together, applied ones checked (migration-runner.ts). */
export function migrate(db: Database): Promise<number[]> {
  return runMigrations(db, MIGRATIONS);
}
