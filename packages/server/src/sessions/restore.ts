/**
 * At start: the sessions a server that died (or handed over after its drain)
 * left live are rebuilt from what it persisted (live-state-writer.ts), each in
 * a new media room, their participants away until their clients resume. What
 * cannot be rebuilt — a row that does not parse, a session whose room cannot
 * be made, a server without media — is closed in the call log as before
 * (`server-restart`) and forgotten.
 *
 * In a cluster (`leases`), other live processes own sessions in the same
 * database: a start acts only on the sessions whose lease it could take (free:
 * their owner died, handed over or never was) — rebuilt, or closed and their
 * leases given back — and leaves the others, and calls ringing, alone.
 */
import type { Logger } from 'pino';
import type { RecordingsStore } from '../recording/recordings-store.ts';
import type { LiveSessionRecord, LiveSessionsStore } from '../store/live-sessions-store.ts';
import type { SessionsStore } from '../store/sessions-store.ts';
import type { SessionLeases } from '../cluster/session-leases.ts';
import type { SessionRegistry } from './session-registry.ts';

export interface RestoreDeps {
  live: LiveSessionsStore;
  sessions: SessionsStore;
  /** Whether a persisted recording is still recording (it may have been stopped just before the crash). */
  recordings: Pick<RecordingsStore, 'get'>;
  /** Absent on a server without media: nothing is rebuilt. */
  registry: SessionRegistry | undefined;
  /** The rooms left on shared media nodes by the process that died, destroyed before new ones are made (MediaBackend.destroyStaleRooms). */
  destroyStaleRooms?: ((sessionIds: readonly string[]) => Promise<void>) | undefined;
  /** How long each participant's client has to resume (the reconnect grace). */
  graceMs: number;
  /** A cluster's session leases (REDIS_URL); without them every live session in the database is this process's. */
  leases?: Pick<SessionLeases, 'acquire' | 'release'> | undefined;
  /**
   * With leases: an answered call whose session never started counts as left
   * by a dead process only this long (ms) after it was answered — its ringing
   * process, if alive, ends it after the join grace. Default 0.
   */
  answeredLeftAfterMs?: number;
  log: Logger;
}

export interface Restored {
  sessionIds: string[];
  /** Recordings that go on in the rebuilt sessions (not to be finished as cut short). */
  recordingIds: Set<string>;
  /** With leases: the sessions taken here and closed rather than rebuilt (their recordings were cut short). */
  closedSessionIds: string[];
}

/**
 * `only`: these sessions, not every one left live in the database — a running
 * process taking over the sessions of one that died (cluster/session-takeover.ts).
 */
export async function restoreLiveSessions(deps: RestoreDeps, only?: readonly string[]): Promise<Restored> {
  const within = deps.leases ? await takeFreeLeases(deps.leases, deps, only) : undefined;
  // Loaded after the leases were taken: what their last owner wrote before it stopped is all there.
  const loaded = await deps.live.load();
  const mine = (id: string) => within === undefined || within.includes(id);
  const sessions = loaded.sessions.filter((s) => mine(s.sessionId));
  const refused = loaded.refused.filter((r) => mine(r.sessionId));
  for (const r of refused) deps.log.warn({ sessionId: r.sessionId, uid: r.uid, why: r.why }, 'a persisted live session row was refused');
  // Nobody here has made their rooms yet, and nobody else may now (the leases): every room described as theirs is stale.
  await deps.destroyStaleRooms?.(within ?? [...new Set([...sessions, ...refused].map((s) => s.sessionId))]);
  const registry = deps.registry;
  const outcomes = registry
    ? await Promise.allSettled(
        sessions.map(async (persisted) => {
          const record = await withLiveRecording(persisted, deps);
          await registry.restore(record, deps.graceMs);
          return record;
        }),
      )
    : [];
  const restored = outcomes.flatMap((o, i) => {
    if (o.status === 'fulfilled') return [o.value];
    deps.log.error({ err: o.reason, sessionId: sessions[i]?.sessionId }, 'a live session could not be rebuilt: it ends');
    return [];
  });
  const kept = restored.map((r) => ({ sessionId: r.sessionId, uids: r.participants.map((p) => p.uid) }));
  await Promise.all(restored.map((r) => deps.sessions.keepOpen(r.sessionId, r.kind, r.media, r.participants)));
  await deps.sessions.closeDangling('server-restart', kept, within);
  await deps.live.forgetAllBut(kept, within);
  // The sessions closed here are nobody's now; the rebuilt ones keep their lease in the registry.
  const closed = (within ?? []).filter((id) => !kept.some((k) => k.sessionId === id));
  await Promise.allSettled(closed.map((id) => deps.leases?.release(id)));
  if (restored.length > 0) deps.log.info(`${restored.length} live session(s) rebuilt; their clients have ${deps.graceMs} ms to resume`);
  return {
    sessionIds: restored.map((r) => r.sessionId),
    recordingIds: new Set(restored.flatMap((r) => (r.recording ? [r.recording.id] : []))),
    closedSessionIds: closed,
  };
}

/** The record, without its recording when that recording is not `recording` any more (its stop was written, the live row's not). */
async function withLiveRecording(record: LiveSessionRecord, deps: RestoreDeps): Promise<LiveSessionRecord> {
  if (!record.recording) return record;
  const row = await deps.recordings.get(record.recording.id);
  if (row?.status === 'recording') return record;
  deps.log.warn({ sessionId: record.sessionId, recordingId: record.recording.id, status: row?.status ?? 'gone' }, 'the persisted recording is not recording: not resumed');
  return { ...record, recording: null };
}

/** The sessions left live in the database (persisted, or ongoing in the call log), or `only` those, whose lease this process could take. */
async function takeFreeLeases(leases: Pick<SessionLeases, 'acquire'>, deps: RestoreDeps, only: readonly string[] | undefined): Promise<string[]> {
  const candidates = only ?? (await liveSessionIds(deps, deps.answeredLeftAfterMs));
  const taken = await Promise.all(candidates.map(async (id) => ((await leases.acquire(id)) ? [id] : [])));
  const free = taken.flat();
  if (free.length < candidates.length) deps.log.info(`${candidates.length - free.length} live session(s) owned by other processes left to them`);
  return free;
}

/** Every session left live in the database: persisted (rows that do not parse too), or ongoing in the call log (for `ongoingForMs` at least). */
export async function liveSessionIds(deps: Pick<RestoreDeps, 'live' | 'sessions'>, ongoingForMs = 0): Promise<string[]> {
  return [...new Set([...(await deps.live.sessionIds()), ...(await deps.sessions.ongoingIds(ongoingForMs))])];
}
