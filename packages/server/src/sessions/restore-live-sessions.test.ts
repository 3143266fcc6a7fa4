/**
 * At start, what a dead server left live: sessions rebuilt where they can be,
 * the rest closed and forgotten, a recording resumed only if it still records.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { RecordingRow } from '../recording/recordings-store.ts';
import type { LiveSessionRecord, LiveSessionsStore } from '../store/live-sessions-store.ts';
import type { SessionsStore } from '../store/sessions-store.ts';
import { FakeMediaBackend } from '../testing/fake-media-backend.ts';
import { liveSessionRecord } from '../testing/live-session-record.ts';
import { DomainEvents } from './domain-events.ts';
import { restoreLiveSessions } from './restore.ts';
import { SessionRegistry } from './session-registry.ts';

const log = pino({ level: 'silent' });

/** A start with these live sessions persisted; `media` null: a server without media. */
function startWith(sessions: LiveSessionRecord[], recordingStatus: Record<string, RecordingRow['status']>, media: FakeMediaBackend | null = new FakeMediaBackend()) {
  const kept: unknown[] = [];
  const forgotten: unknown[] = [];
  const registry = media ? new SessionRegistry({ log, events: new DomainEvents(() => undefined), media, maxParticipants: 16, reconnectGraceMs: 5_000 }) : undefined;
  const restoring = restoreLiveSessions({
    live: { load: async () => ({ sessions, refused: [] }), forgetAllBut: async (k: unknown) => void forgotten.push(k) } as unknown as LiveSessionsStore,
    sessions: { keepOpen: async () => undefined, closeDangling: async (_: string, k: unknown) => void kept.push(k) } as unknown as SessionsStore,
    recordings: { get: async (id: string) => (recordingStatus[id] ? ({ id, status: recordingStatus[id] } as RecordingRow) : undefined) },
    registry,
    graceMs: 5_000,
    log,
  });
  return { registry, restoring, kept, forgotten, media };
}

describe('rebuilding at start', () => {
  it('resumes a recording that still records, and not one whose stop was written already', async () => {
    const { registry, restoring } = startWith(
      [liveSessionRecord('s1', { id: 'rec-on', dir: '/d/rec-on' }), liveSessionRecord('s2', { id: 'rec-stopped', dir: '/d/rec-stopped' })],
      { 'rec-on': 'recording', 'rec-stopped': 'processing' },
    );
    const restored = await restoring;
    expect(restored.sessionIds).toEqual(['s1', 's2']);
    expect([...restored.recordingIds]).toEqual(['rec-on']);
    expect(registry?.get('s1')?.recording).toEqual({ recording: true, recordingId: 'rec-on' });
    expect(registry?.get('s2')?.recording).toEqual({ recording: false, recordingId: null });
  });

  it('closes and forgets a session whose room cannot be made, keeping the others', async () => {
    const media = new FakeMediaBackend();
    media.failRooms = 1;
    const { registry, restoring, kept, forgotten } = startWith([liveSessionRecord('no-room'), liveSessionRecord('ok')], {}, media);
    expect((await restoring).sessionIds).toEqual(['ok']);
    expect(registry?.get('no-room')).toBeUndefined();
    expect(kept).toEqual([[{ sessionId: 'ok', uids: ['ann'] }]]);
    expect(forgotten).toEqual(kept);
  });

  it('rebuilds nothing without media, and closes everything', async () => {
    const { restoring, kept, forgotten } = startWith([liveSessionRecord('s1')], {}, null);
    expect((await restoring).sessionIds).toEqual([]);
    expect(kept).toEqual([[]]);
    expect(forgotten).toEqual([[]]);
  });
});
